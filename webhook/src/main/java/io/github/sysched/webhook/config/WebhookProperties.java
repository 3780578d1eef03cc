package io.github.sysched.webhook.config;

import io.github.sysched.pod.ContainerPolicy;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.spo.SpoApiVersion;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code sysched.webhook.*}: see docs/CONTRACTS.md. Every property has a default, so an empty configuration
 * is a valid one (annotate mode, opt-in per namespace, IPP off, TLS from cert-manager files in /tls).
 *
 * @param mode               {@code annotate} (default): only stamp annotations; {@code enforce}: also set the
 *                           seccompProfile exactly as SPO's binding webhook would
 * @param optInLabel         namespace label that opts a namespace in (default {@code spo.x-k8s.io/enable-binding})
 * @param allNamespaces      mutate pods of every (non-exempt) namespace, ignoring the opt-in label (default false)
 * @param exemptNamespaces   namespaces never mutated (default {@code [kube-system]}; the chart adds its own)
 * @param spo                SPO API scope and version
 * @param defaultProfile     profile of pods without any profile (default {@code default/full-seccomp})
 * @param binding            ProfileBinding behaviour
 * @param ipp                instance-per-pod classes
 * @param sandbox            policy for pods that end up unconfined (off by default)
 * @param replicaSpread      the replica-spread guard: topologySpreadConstraints injected into replicas (on by
 *                           default)
 * @param containers         how containers without a profile and init containers count (as the scheduler's
 *                           {@code sysched.scheduler.containers.*}: keep both equal)
 * @param annotationWriters  user names allowed to change our annotations on pod UPDATE (default none)
 * @param annotations        the key that signs what the webhook writes (SECURITY.md, "Trusted annotations")
 * @param tls                serving certificate source
 * @param requestDeadline    time budget of one admission request (default 2s; the API server waits up to 10s)
 * @param failureMode        what an internal error answers: {@code allow} (default) or {@code deny}
 * @param maxRequestSize     larger AdmissionReview bodies are refused with 413 (default 8MB)
 */
@Validated
@ConfigurationProperties("sysched.webhook")
public record WebhookProperties(
        @DefaultValue("annotate") @NotNull Mode mode,

        @DefaultValue("spo.x-k8s.io/enable-binding") @NotBlank
        String optInLabel,

        @DefaultValue("false") boolean allNamespaces,
        @DefaultValue("kube-system") @NotNull Set<String> exemptNamespaces,
        @DefaultValue @Valid Spo spo,
        @DefaultValue @Valid DefaultProfile defaultProfile,
        @DefaultValue @Valid Binding binding,
        @DefaultValue @Valid Ipp ipp,
        @DefaultValue @Valid Sandbox sandbox,
        @DefaultValue @Valid ReplicaSpread replicaSpread,
        @DefaultValue @Valid Containers containers,
        @DefaultValue @NotNull List<String> annotationWriters,
        @DefaultValue @Valid Annotations annotations,
        @DefaultValue @Valid Tls tls,
        @DefaultValue("2s") @NotNull Duration requestDeadline,
        @DefaultValue("allow") @NotNull FailureMode failureMode,
        @DefaultValue("8MB") @NotNull DataSize maxRequestSize) {

    public enum Mode {
        ANNOTATE,
        ENFORCE
    }

    public enum FailureMode {
        ALLOW,
        DENY
    }

    /**
     * @param scope   {@code auto} (default: read {@code spec.scope} of the seccompprofiles CRD at startup),
     *                {@code namespaced} (SPO up to v0.8) or {@code cluster} (v0.9+)
     * @param version API version of SeccompProfile/ProfileBinding to watch: {@code v1beta1} (default) or {@code v1}
     */
    public record Spo(
            @DefaultValue("auto") @NotNull Scope scope,
            @DefaultValue("v1beta1") @NotNull SpoApiVersion version) {
        public enum Scope {
            AUTO,
            NAMESPACED,
            CLUSTER
        }
    }

    /**
     * @param name      name of the default SeccompProfile (default {@code full-seccomp})
     * @param namespace its namespace (default {@code default}; not used when SeccompProfiles are cluster-scoped)
     */
    public record DefaultProfile(
            @DefaultValue("default") @NotBlank String namespace,
            @DefaultValue("full-seccomp") @NotBlank String name) {}

    /** @param overrideExisting a binding replaces a profile the pod already has (SPO v1.0+; default true) */
    public record Binding(@DefaultValue("true") boolean overrideExisting) {}

    /**
     * @param mode                     {@code off} (default), {@code compat} (tolerations + affinity + required
     *                                 anti-affinity) or {@code fast} (tolerations + affinity + annotation)
     * @param classLabel               pod label holding the class (default {@code ipp-class})
     * @param nodeKey                  node label/taint key of the IPP pool (default {@code ipp})
     * @param nodeValue                node label/taint value (default {@code true})
     * @param onePerNodeForReplicasets one replica of a ReplicaSet per node (default false)
     */
    public record Ipp(
            @DefaultValue("off") @NotNull IppMode mode,
            @DefaultValue("ipp-class") @NotBlank String classLabel,
            @DefaultValue("ipp") @NotBlank String nodeKey,
            @DefaultValue("true") @NotBlank String nodeValue,
            @DefaultValue("false") boolean onePerNodeForReplicasets) {
        public enum IppMode {
            OFF,
            COMPAT,
            FAST
        }
    }

    /**
     * @param enabled          off by default
     * @param runtimeClassName runtimeClassName given to unconfined pods (empty: none)
     * @param ippClass         IPP class given to unconfined pods (empty: none)
     */
    public record Sandbox(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("") String runtimeClassName,
            @DefaultValue("") String ippClass) {}

    /**
     * The replica-spread guard (docs/PLACEMENT.md): ExS alone puts the replicas of one application on one node,
     * so pods of a ReplicaSet, StatefulSet or ReplicationController in the namespaces the webhook mutates get
     * {@code topologySpreadConstraints} ({@code whenUnsatisfiable: DoNotSchedule}, {@code nodeTaintsPolicy: Honor})
     * that kube-scheduler and cluster-autoscaler enforce. Pods with their own spread constraints or pod
     * anti-affinity keep theirs; the opt-out label {@code =off} on the pod or its namespace exempts it.
     *
     * @param enabled        inject the constraints (default true)
     * @param maxSkew        their {@code maxSkew} (default 1: at most ⌈r/N⌉ replicas of a workload per node)
     * @param zones          {@code auto} (default: also over {@code topology.kubernetes.io/zone} while the Nodes
     *                       carry at least two zone values; needs list/watch on Nodes), {@code on} or {@code off}
     * @param optOutLabel    pod or namespace label whose value {@code off} exempts the pod (default
     *                       {@code exs.sysched.io/replica-spread})
     * @param schedulerNames only pods with one of these {@code spec.schedulerName}s (default none: every scheduler)
     */
    public record ReplicaSpread(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("1") @Min(1) int maxSkew,
            @DefaultValue("auto") @NotNull Zones zones,

            @DefaultValue(ReplicaSpreadGuard.OPT_OUT_LABEL) @NotBlank
            String optOutLabel,

            @DefaultValue @NotNull List<String> schedulerNames) {

        public enum Zones {
            AUTO,
            ON,
            OFF
        }

        /** Whether the webhook must watch Nodes to decide about zones. */
        public boolean watchesNodes() {
            return enabled && zones == Zones.AUTO;
        }
    }

    /**
     * common's {@link ContainerPolicy}; SECURITY.md argues the defaults.
     *
     * @param unprofiled containers without a profile of their own: {@code default-profile} (default),
     *                   {@code runtime-default} (kubelets run with {@code seccompDefault: true}) or {@code ignore}
     *                   (upstream SySched: left out)
     * @param init       init containers that run to completion: {@code count} (default) or {@code ignore}
     */
    public record Containers(
            @DefaultValue("default-profile") @NotNull ContainerPolicy.Unprofiled unprofiled,
            @DefaultValue("count") @NotNull ContainerPolicy.InitContainers init) {

        public ContainerPolicy policy() {
            return new ContainerPolicy(unprofiled, init);
        }
    }

    /**
     * @param keyDir           directory with the keys shared with the extender, files {@code current} (signs) and
     *                         {@code previous} (the chart mounts its Secret there); "" (default): no key, nothing is
     *                         signed and the extender resolves every pod from its spec
     * @param keyCheckInterval how often the key files are re-read (default 10s)
     */
    public record Annotations(
            @DefaultValue("") @NotNull String keyDir,
            @DefaultValue("10s") @NotNull Duration keyCheckInterval) {}

    /**
     * @param mode                   {@code files} (default: cert-manager Secret layout in {@code dir}) or
     *                               {@code self-signed} (generate, share through {@code secret-name})
     * @param dir                    directory with tls.crt, tls.key, ca.crt (default {@code /tls})
     * @param secretName             Secret holding the self-signed CA and certificate (default {@code sysched-webhook-tls})
     * @param serviceName            Service name used in the certificate's SANs (default {@code sysched-webhook})
     * @param namespace              namespace of Secret and Service (default: the pod's namespace, else {@code default})
     * @param webhookConfigurations  Mutating/ValidatingWebhookConfiguration names whose caBundle we patch
     * @param validity               serving certificate lifetime (default 365d)
     * @param caValidity             CA lifetime (default: ten times {@code validity})
     * @param renewBefore            self-signed: renew the serving certificate this long before it expires
     *                               (default: a third of its lifetime)
     * @param caRenewBefore          self-signed: start the CA rotation this long before the CA expires (default: a
     *                               third of its lifetime); must exceed {@code bundle-propagation + check-interval}
     * @param checkInterval          self-signed: how often each replica re-reads the Secret, renews what is due,
     *                               re-patches caBundle and switches to the Secret's certificate (default 5m)
     * @param bundlePropagation      self-signed: how long a new CA stays in caBundle before any replica serves a
     *                               certificate it signed, so API servers see it first (default 5m)
     * @param extender               self-signed: certificates for the scheduler extender's mutual TLS, issued from the
     *                               same CA (none by default)
     */
    public record Tls(
            @DefaultValue("files") @NotNull TlsMode mode,
            @DefaultValue("/tls") @NotBlank String dir,
            @DefaultValue("sysched-webhook-tls") @NotBlank String secretName,
            @DefaultValue("sysched-webhook") @NotBlank String serviceName,
            @DefaultValue("") String namespace,
            @DefaultValue("sysched-webhook") @NotNull List<String> webhookConfigurations,
            @DefaultValue("365d") @NotNull Duration validity,
            Duration caValidity,
            Duration renewBefore,
            Duration caRenewBefore,
            @DefaultValue("5m") @NotNull Duration checkInterval,
            @DefaultValue("5m") @NotNull Duration bundlePropagation,
            @DefaultValue @Valid Extender extender) {

        public Tls {
            if (caValidity == null && validity != null) {
                caValidity = validity.multipliedBy(10);
            }
            requireShorter("renew-before", renewBefore, "validity", validity);
            requireShorter("ca-renew-before", caRenewBefore, "ca-validity", caValidity);
            if (checkInterval != null && !positive(checkInterval)) {
                throw new IllegalArgumentException("sysched.webhook.tls.check-interval must be positive");
            }
            if (extender != null) {
                for (String name : List.of(extender.serverSecret(), extender.clientSecret())) {
                    if (!name.isEmpty() && name.equals(secretName)) {
                        throw new IllegalArgumentException("sysched.webhook.tls.extender secret '" + name
                                + "' is the webhook's own secret-name: give the extender's certificates their own");
                    }
                }
                if (!extender.serverSecret().isEmpty()
                        && extender.serverSecret().equals(extender.clientSecret())) {
                    throw new IllegalArgumentException("sysched.webhook.tls.extender.server-secret and client-secret"
                            + " must differ (both '" + extender.serverSecret() + "')");
                }
            }
        }

        private static boolean positive(Duration duration) {
            return !duration.isNegative() && !duration.isZero();
        }

        private static void requireShorter(String name, Duration value, String limitName, Duration limit) {
            if (value != null && (!positive(value) || (limit != null && value.compareTo(limit) >= 0))) {
                throw new IllegalArgumentException("sysched.webhook.tls." + name + " (" + value
                        + ") must be positive and shorter than " + limitName + " (" + limit + ")");
            }
        }

        public enum TlsMode {
            FILES,
            SELF_SIGNED
        }

        /**
         * Self-signed mode: the webhook also keeps the certificates of the extender's mutual TLS current, from its CA
         * (same validity and renewal margins as its own serving certificate; each Secret's {@code ca.crt} is the
         * webhook's trust bundle). The chart sets them when {@code scheduler.tls.enabled}.
         *
         * @param serverSecret Secret (type {@code kubernetes.io/tls}) for the extender's serving certificate, for the
         *                     Service {@code service-name} (serverAuth and clientAuth: the extender's warm-up calls its
         *                     own port with it); empty (default): none
         * @param clientSecret Secret for kube-scheduler's client certificate (clientAuth, CN {@code client-name});
         *                     empty (default): none
         * @param serviceName  the extender's Service, in the certificate's SANs (default {@code sysched-scheduler})
         * @param clientName   the client certificate's common name (default {@code sysched-kube-scheduler})
         */
        public record Extender(
                @DefaultValue("") @NotNull String serverSecret,
                @DefaultValue("") @NotNull String clientSecret,
                @DefaultValue("sysched-scheduler") @NotBlank String serviceName,

                @DefaultValue("sysched-kube-scheduler") @NotBlank
                String clientName) {

            public boolean enabled() {
                return !serverSecret.isEmpty() || !clientSecret.isEmpty();
            }
        }
    }
}
