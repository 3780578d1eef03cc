package io.github.sysched.webhook.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.SeccompPolicy;
import io.github.sysched.spo.ProfileBindingSpec;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.ProfileRef;
import io.github.sysched.spo.SeccompProfileSpec;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SeccompSyscall;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.webhook.support.MockKube;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.WebhookTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Profiles are converted once per resourceVersion, not per admission; a changed profile, or a changed base
 * of it, is what the next admission after the informer has seen the change resolves.
 */
class ProfileChangesTest extends WebhookTestBase {

    private static final String NS = "profile-changes";
    private static final ProfileKey APP = ProfileKey.namespaced(NS, "app");
    private static final ProfileKey BASE = ProfileKey.namespaced(NS, "base");

    @Test
    void theNextAdmissionSeesAnUpdatedProfileAndAnUpdatedBaseProfile() {
        MockKube.namespace(NS, true);
        create(profile(BASE, null, "read", "write"));
        create(profile(APP, "base", "openat"));
        kube().resources(ProfileBindingV1Alpha1.class)
                .inNamespace(NS)
                .resource(binding())
                .create();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.bindings(NS).size() == 1
                        && cache.profile(APP).isPresent()
                        && cache.profile(BASE).isPresent());
        assertThat(syscallsOfANewPod()).isEqualTo(SyscallSet.of("read", "write", "openat"));
        SeccompPolicy converted = cache.profileLookup().find(APP).orElseThrow();
        assertThat(cache.profileLookup().find(APP).orElseThrow()).as("memoized").isSameAs(converted);

        update(profile(APP, "base", "openat", "close"));
        assertThat(syscallsOfANewPod()).isEqualTo(SyscallSet.of("read", "write", "openat", "close"));

        update(profile(BASE, null, "read", "write", "futex"));
        assertThat(syscallsOfANewPod()).isEqualTo(SyscallSet.of("read", "write", "openat", "close", "futex"));

        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(NS)
                .withName("base")
                .delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> cache.profile(BASE).isEmpty());
        JsonNode response = admit("/mutate", podCreate());
        assertThat(response.path("warnings").toString()).contains("base profile " + BASE + " not found");
    }

    private ObjectNode podCreate() {
        return Reviews.podCreate(NS, Reviews.pod("app-", NS, "app:1"));
    }

    private SyscallSet syscallsOfANewPod() {
        ObjectNode review = podCreate();
        JsonNode pod = patched(review, admit("/mutate", review));
        return SyscallAnnotation.decode(pod.path("metadata")
                        .path("annotations")
                        .path(PlacementAnnotations.SYSCALLS)
                        .asString())
                .syscalls();
    }

    private static void create(SeccompProfileV1Beta1 profile) {
        kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(NS)
                .resource(profile)
                .create();
    }

    /** Replaces the profile's spec and waits until the webhook's informer holds the new resourceVersion. */
    private void update(SeccompProfileV1Beta1 changed) {
        ProfileKey key = ProfileKey.namespaced(NS, changed.getMetadata().getName());
        String before = cache.profile(key).orElseThrow().getMetadata().getResourceVersion();
        SeccompProfileV1Beta1 stored = kube().resources(SeccompProfileV1Beta1.class)
                .inNamespace(NS)
                .withName(key.name())
                .edit(p -> {
                    p.setSpec(changed.getSpec());
                    return p;
                });
        assertThat(stored.getMetadata().getResourceVersion()).isNotEqualTo(before);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> cache.profile(key)
                        .map(p -> p.getMetadata()
                                .getResourceVersion()
                                .equals(stored.getMetadata().getResourceVersion()))
                        .orElse(false));
    }

    private static SeccompProfileV1Beta1 profile(ProfileKey key, String base, String... allowed) {
        SeccompProfileV1Beta1 profile = new SeccompProfileV1Beta1();
        profile.setMetadata(new ObjectMetaBuilder()
                .withName(key.name())
                .withNamespace(key.namespace())
                .build());
        SeccompProfileSpec spec = new SeccompProfileSpec();
        spec.setDefaultAction("SCMP_ACT_ERRNO");
        spec.setBaseProfileName(base);
        SeccompSyscall rule = new SeccompSyscall();
        rule.setAction("SCMP_ACT_ALLOW");
        rule.setNames(new ArrayList<>(List.of(allowed)));
        spec.setSyscalls(List.of(rule));
        profile.setSpec(spec);
        return profile;
    }

    private static ProfileBindingV1Alpha1 binding() {
        ProfileBindingV1Alpha1 binding = new ProfileBindingV1Alpha1();
        binding.setMetadata(
                new ObjectMetaBuilder().withName("app").withNamespace(NS).build());
        ProfileBindingSpec spec = new ProfileBindingSpec();
        spec.setImage("app:1");
        spec.setProfileRef(new ProfileRef("SeccompProfile", APP.name()));
        binding.setSpec(spec);
        return binding;
    }
}
