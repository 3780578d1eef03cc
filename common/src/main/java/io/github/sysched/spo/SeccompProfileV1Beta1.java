package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** SeccompProfile {@code v1beta1}: the only version up to SPO v0.10 (uses {@code spec.disabled}). */
@Group(SpoApi.GROUP)
@Version(value = "v1beta1", storage = false)
@Kind(SpoApi.SECCOMP_PROFILE_KIND)
@Plural(SpoApi.SECCOMP_PROFILE_PLURAL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SeccompProfileV1Beta1 extends SeccompProfile {}
