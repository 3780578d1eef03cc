package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** {@code status} of a ProfileBinding. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProfileBindingStatus {

    private List<String> activeWorkloads;

    public List<String> getActiveWorkloads() {
        return activeWorkloads;
    }

    public void setActiveWorkloads(List<String> activeWorkloads) {
        this.activeWorkloads = activeWorkloads;
    }
}
