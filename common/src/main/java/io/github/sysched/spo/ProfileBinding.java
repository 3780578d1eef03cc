package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;

/** An SPO ProfileBinding (always namespaced), in either served version. */
@JsonIgnoreProperties(ignoreUnknown = true)
public abstract class ProfileBinding extends CustomResource<ProfileBindingSpec, ProfileBindingStatus>
        implements Namespaced {}
