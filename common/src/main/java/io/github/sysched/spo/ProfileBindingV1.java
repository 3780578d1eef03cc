package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** ProfileBinding {@code v1} (SPO v1.0+; {@code podSelector} after v1.0.0). */
@Group(SpoApi.GROUP)
@Version("v1")
@Kind(SpoApi.PROFILE_BINDING_KIND)
@Plural(SpoApi.PROFILE_BINDING_PLURAL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class ProfileBindingV1 extends ProfileBinding {}
