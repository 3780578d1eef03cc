package io.github.sysched.spo;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** SeccompProfile {@code v1} (SPO v1.0+, uses {@code spec.state}). */
@Group(SpoApi.GROUP)
@Version("v1")
@Kind(SpoApi.SECCOMP_PROFILE_KIND)
@Plural(SpoApi.SECCOMP_PROFILE_PLURAL)
@JsonIgnoreProperties(ignoreUnknown = true)
public class SeccompProfileV1 extends SeccompProfile {}
