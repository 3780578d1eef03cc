package io.github.sysched.spo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

class SpoModelTest {

    @Test
    void readsTheSyschedDemoProfileAsV1beta1() {
        SeccompProfile profile = TestResources.read(
                "/sysched-examples/nginx.profile.yaml", "SeccompProfile", SeccompProfileV1Beta1.class);

        assertThat(profile.getApiVersion()).isEqualTo("security-profiles-operator.x-k8s.io/v1beta1");
        assertThat(profile.getKind()).isEqualTo("SeccompProfile");
        assertThat(profile.getMetadata().getName()).isEqualTo("nginx-seccomp");
        assertThat(profile.getMetadata().getNamespace()).isEqualTo("default");
        assertThat(profile.getSpec().getDefaultAction()).isEqualTo("SCMP_ACT_LOG");
        assertThat(profile.getSpec().getArchitectures()).containsExactly("SCMP_ARCH_X86_64");
        assertThat(profile.getSpec().getSyscalls()).hasSize(1);
        assertThat(profile.getSpec().getSyscalls().get(0).getAction()).isEqualTo("SCMP_ACT_ALLOW");
        assertThat(profile.getSpec().getSyscalls().get(0).getNames()).hasSize(98);
        assertThat(profile.getSpec().isEnabled()).isTrue();
    }

    @Test
    void readsEveryFieldOfV1AndToleratesUnknownOnes() {
        String yaml = """
                apiVersion: security-profiles-operator.x-k8s.io/v1
                kind: SeccompProfile
                metadata:
                  name: web
                futureTopLevel: 1
                spec:
                  defaultAction: SCMP_ACT_ERRNO
                  baseProfileName: runc-v1.2.0
                  state: Disabled
                  flags: [SECCOMP_FILTER_FLAG_LOG]
                  listenerPath: /var/run/security-profiles-operator/agent.sock
                  listenerMetadata: opaque
                  futureSpecField: {a: b}
                  syscalls:
                  - action: SCMP_ACT_ERRNO
                    errnoRet: 38
                    names: [ptrace, bpf]
                    args:
                    - {index: 0, op: SCMP_CMP_EQ, value: 16, valueTwo: 0, futureArgField: x}
                status:
                  status: Installed
                  localhostProfile: operator/web.json
                  path: /var/lib/kubelet/seccomp/operator/web.json
                  activeWorkloads: [default/pod-a]
                  conditions:
                  - {type: Ready, status: "True", reason: Available, message: "", lastTransitionTime: "2026-01-01T00:00:00Z"}
                """;

        SeccompProfileV1 profile = Serialization.unmarshal(yaml, SeccompProfileV1.class);

        SeccompProfileSpec spec = profile.getSpec();
        assertThat(spec.getBaseProfileName()).isEqualTo("runc-v1.2.0");
        assertThat(spec.getState()).isEqualTo("Disabled");
        assertThat(spec.isEnabled()).isFalse();
        assertThat(spec.getFlags()).containsExactly("SECCOMP_FILTER_FLAG_LOG");
        assertThat(spec.getListenerPath()).isEqualTo("/var/run/security-profiles-operator/agent.sock");
        assertThat(spec.getListenerMetadata()).isEqualTo("opaque");
        SeccompSyscall syscall = spec.getSyscalls().get(0);
        assertThat(syscall.getErrnoRet()).isEqualTo(38);
        assertThat(syscall.getNames()).containsExactly("ptrace", "bpf");
        assertThat(syscall.getArgs().get(0).getIndex()).isEqualTo(0);
        assertThat(syscall.getArgs().get(0).getOp()).isEqualTo("SCMP_CMP_EQ");
        assertThat(syscall.getArgs().get(0).getValue()).isEqualTo(16L);
        assertThat(profile.getStatus().getStatus()).isEqualTo("Installed");
        assertThat(profile.getStatus().getLocalhostProfile()).isEqualTo("operator/web.json");
        assertThat(profile.getStatus().getActiveWorkloads()).containsExactly("default/pod-a");
        assertThat(profile.getStatus().getConditions()).hasSize(1);
    }

    @Test
    void v1beta1DisabledFlagSwitchesTheProfileOff() {
        SeccompProfileV1Beta1 profile = Serialization.unmarshal("""
                apiVersion: security-profiles-operator.x-k8s.io/v1beta1
                kind: SeccompProfile
                metadata: {name: old, namespace: team}
                spec: {defaultAction: SCMP_ACT_ERRNO, disabled: true}
                """, SeccompProfileV1Beta1.class);

        assertThat(profile.getSpec().getDisabled()).isTrue();
        assertThat(profile.getSpec().isEnabled()).isFalse();
    }

    @Test
    void readsBindingsOfBothVersions() {
        ProfileBinding legacy = TestResources.read(
                "/sysched-examples/nginx.binding.yaml", "ProfileBinding", ProfileBindingV1Alpha1.class);
        ProfileBindingV1 v1 = Serialization.unmarshal("""
                apiVersion: security-profiles-operator.x-k8s.io/v1
                kind: ProfileBinding
                metadata: {name: web, namespace: shop}
                spec:
                  image: "*"
                  profileRef: {kind: SeccompProfile, name: web}
                  podSelector:
                    matchLabels: {app: web}
                    matchExpressions: [{key: tier, operator: In, values: [front]}]
                  futureField: true
                """, ProfileBindingV1.class);

        assertThat(legacy.getApiVersion()).isEqualTo("security-profiles-operator.x-k8s.io/v1alpha1");
        assertThat(legacy.getSpec().getImage()).isEqualTo("nginx:1.16");
        assertThat(legacy.getSpec().getProfileRef().getKind()).isEqualTo("SeccompProfile");
        assertThat(legacy.getSpec().getProfileRef().getName()).isEqualTo("nginx-seccomp");
        assertThat(legacy.getSpec().getPodSelector()).isNull();
        assertThat(v1.getSpec().getImage()).isEqualTo(ProfileBindingSpec.ANY_IMAGE);
        assertThat(v1.getSpec().getPodSelector().getMatchLabels()).containsEntry("app", "web");
        assertThat(v1.getSpec().getPodSelector().getMatchExpressions().get(0).getValues())
                .containsExactly("front");
    }

    @Test
    void typedClassesCarryTheApiCoordinates() {
        assertThat(HasMetadata.getApiVersion(SeccompProfileV1Beta1.class))
                .isEqualTo("security-profiles-operator.x-k8s.io/v1beta1");
        assertThat(HasMetadata.getApiVersion(SeccompProfileV1.class))
                .isEqualTo("security-profiles-operator.x-k8s.io/v1");
        assertThat(HasMetadata.getApiVersion(ProfileBindingV1Alpha1.class))
                .isEqualTo("security-profiles-operator.x-k8s.io/v1alpha1");
        assertThat(HasMetadata.getPlural(SeccompProfileV1.class)).isEqualTo("seccompprofiles");
        assertThat(HasMetadata.getPlural(ProfileBindingV1.class)).isEqualTo("profilebindings");
        assertThat(HasMetadata.getKind(SeccompProfileV1.class)).isEqualTo("SeccompProfile");
        assertThat(new SeccompProfileV1().getCRDName()).isEqualTo(SpoApi.SECCOMP_PROFILE_CRD);
    }

    @Test
    void serializesWithApiVersionAndKind() {
        SeccompProfileV1 profile = new SeccompProfileV1();
        profile.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                .withName("p")
                .build());
        SeccompProfileSpec spec = new SeccompProfileSpec();
        spec.setDefaultAction("SCMP_ACT_ERRNO");
        profile.setSpec(spec);

        String json = Serialization.asJson(profile);

        assertThat(json)
                .contains("\"apiVersion\":\"security-profiles-operator.x-k8s.io/v1\"")
                .contains("\"kind\":\"SeccompProfile\"")
                .contains("\"defaultAction\":\"SCMP_ACT_ERRNO\"")
                .doesNotContain("baseProfileName");
    }

    /**
     * SPO binds a profile once {@code status.status} is set (security-profiles-operator
     * {@code internal/pkg/webhooks/binding/binding_test.go}, "failure seccomp profile without status": the pod is
     * refused) and removes a disabled profile's file from the nodes; we keep reading the content and only say so.
     */
    @Test
    void installationNotesSayWhySpoWouldNotRunTheProfileNow() {
        String yaml = """
                apiVersion: security-profiles-operator.x-k8s.io/v1
                kind: SeccompProfile
                metadata: {name: web}
                spec: {defaultAction: SCMP_ACT_ERRNO%s}
                %s
                """;
        SeccompProfileV1 installed =
                Serialization.unmarshal(yaml.formatted("", "status: {status: Installed}"), SeccompProfileV1.class);
        SeccompProfileV1 fresh = Serialization.unmarshal(yaml.formatted("", ""), SeccompProfileV1.class);
        SeccompProfileV1 pending =
                Serialization.unmarshal(yaml.formatted("", "status: {status: Pending}"), SeccompProfileV1.class);
        SeccompProfileV1 disabled = Serialization.unmarshal(
                yaml.formatted(", state: Disabled", "status: {status: Disabled}"), SeccompProfileV1.class);

        assertThat(io.github.sysched.profile.SpoProfiles.installationNote(installed))
                .isEmpty();
        assertThat(io.github.sysched.profile.SpoProfiles.installationNote(fresh))
                .hasValueSatisfying(note -> assertThat(note).startsWith("has no status yet"));
        assertThat(io.github.sysched.profile.SpoProfiles.installationNote(pending))
                .contains("is Pending, not Installed on every node");
        assertThat(io.github.sysched.profile.SpoProfiles.installationNote(disabled))
                .hasValueSatisfying(note -> assertThat(note).startsWith("is disabled"));
        assertThat(io.github.sysched.profile.SpoProfiles.policyOf(disabled).defaultAction())
                .isEqualTo(io.github.sysched.profile.SeccompAction.ERRNO);
    }
}
