package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;

/** {@code spec} of a ProfileBinding. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProfileBindingSpec {

    /** Binds every pod (pod level) when {@link #getImage()} equals this. */
    public static final String ANY_IMAGE = "*";

    private String image;
    private ProfileRef profileRef;
    private LabelSelector podSelector;

    public String getImage() {
        return image;
    }

    public void setImage(String image) {
        this.image = image;
    }

    public ProfileRef getProfileRef() {
        return profileRef;
    }

    public void setProfileRef(ProfileRef profileRef) {
        this.profileRef = profileRef;
    }

    /** v1 only; absent or empty selects every pod of the namespace. */
    public LabelSelector getPodSelector() {
        return podSelector;
    }

    public void setPodSelector(LabelSelector podSelector) {
        this.podSelector = podSelector;
    }
}
