package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** ProfileBinding {@code v1alpha1} (SPO up to v0.10; no {@code podSelector}). */
@Group(SpoApi.GROUP)
@Version(value = "v1alpha1", storage = false)
@Kind(SpoApi.PROFILE_BINDING_KIND)
@Plural(SpoApi.PROFILE_BINDING_PLURAL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ProfileBindingV1Alpha1 extends ProfileBinding {}
