package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** {@code status} of a SeccompProfile as the operator reports it. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SeccompProfileStatus {

    private String status;
    private String localhostProfile;
    private String path;
    private List<String> activeWorkloads;
    private List<Condition> conditions;

    /** Installation state: Pending, InProgress, Installed, Partial, Disabled, Terminating, Error. */
    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    /** {@code operator/<ns>/<name>.json} (namespaced SPO) or {@code operator/<name>.json} (cluster-scoped). */
    public String getLocalhostProfile() {
        return localhostProfile;
    }

    public void setLocalhostProfile(String localhostProfile) {
        this.localhostProfile = localhostProfile;
    }

    public String getPath() {
        return path;
    }

    public void setPath(String path) {
        this.path = path;
    }

    public List<String> getActiveWorkloads() {
        return activeWorkloads;
    }

    public void setActiveWorkloads(List<String> activeWorkloads) {
        this.activeWorkloads = activeWorkloads;
    }

    public List<Condition> getConditions() {
        return conditions;
    }

    public void setConditions(List<Condition> conditions) {
        this.conditions = conditions;
    }
}
