package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class StateConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StateConfiguration.class);

    /** {@code sysched.scheduler.spo.scope}; {@code auto} reads the CRD once, here, at startup. */
    @Bean
    SpoScope spoScope(SchedulerProperties properties, KubernetesClient client) {
        String configured = properties.getSpo().getScope();
        if (configured != null && "auto".equals(configured.trim().toLowerCase(Locale.ROOT))) {
            return detectScope(client);
        }
        SpoScope scope = SpoScope.parse(configured);
        log.info("SPO scope (configured): {}", scope);
        return scope;
    }

    /** {@code sysched.scheduler.spo.version}: which SeccompProfile version the informer reads. */
    @Bean
    SpoApiVersion spoApiVersion(SchedulerProperties properties) {
        return SpoApiVersion.parse(properties.getSpo().getVersion());
    }

    /**
     * The scope the SeccompProfile CRD declares. An absent CRD (SPO not installed yet) counts as
     * cluster-scoped (SPO v0.9+), with a warning; any other failure stops startup, since guessing could key
     * every profile wrongly (set {@code sysched.scheduler.spo.scope} or grant {@code get} on the CRD).
     */
    static SpoScope detectScope(KubernetesClient client) {
        CustomResourceDefinition crd;
        try {
            crd = client.apiextensions().v1().customResourceDefinitions().withName(SpoApi.SECCOMP_PROFILE_CRD).get();
        } catch (KubernetesClientException e) {
            throw new IllegalStateException("cannot read CRD " + SpoApi.SECCOMP_PROFILE_CRD
                    + " to detect the SPO scope (sysched.scheduler.spo.scope=auto): " + e.getMessage()
                    + "; set sysched.scheduler.spo.scope to namespaced or cluster", e);
        }
        if (crd == null) {
            log.warn("CRD {} not found (is SPO installed?): treating SeccompProfiles as cluster-scoped; set "
                    + "sysched.scheduler.spo.scope to override", SpoApi.SECCOMP_PROFILE_CRD);
            return SpoScope.CLUSTER;
        }
        SpoScope scope = SpoScope.of(crd);
        log.info("SPO scope detected from CRD {}: {}", SpoApi.SECCOMP_PROFILE_CRD, scope);
        return scope;
    }

    @Bean
    SpoPodResolver spoPodResolver(SchedulerProperties properties, SpoScope scope) {
        return new SpoPodResolver(scope, properties.getDefaultProfile().getNamespace(),
                properties.getDefaultProfile().getName());
    }

    @Bean
    PodSetResolver podSetResolver(UnannotatedPodResolver fallback, MeterRegistry registry) {
        return new PodSetResolver(fallback, registry);
    }

    @Bean
    ClusterState clusterState(ExsEngine engine, PodSetResolver resolver, UnannotatedPodResolver fallback,
                              SchedulerProperties properties, MeterRegistry registry) {
        return new ClusterState(engine, resolver, fallback, properties.getIpp().getClassLabel(), registry);
    }

    @Bean
    Informers informers(KubernetesClient client, ClusterState state, SpoPodResolver profiles, SpoApiVersion version,
                        @Value("${sysched.scheduler.informer.profile-wait:10s}") Duration profileWait) {
        return new Informers(client, state, profiles, version, profileWait);
    }

    @Bean
    InformerHealthIndicator informersHealthIndicator(Informers informers, ClusterState state) {
        return new InformerHealthIndicator(informers, state);
    }
}
