package io.github.sysched.scheduler.config;

import io.github.sysched.pod.ContainerPolicy;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code sysched.scheduler.*} (names fixed in docs/CONTRACTS.md).
 *
 * <ul>
 *   <li>{@code default-profile.namespace} / {@code default-profile.name}: the SeccompProfile whose syscalls a
 *       pod without the {@code exs.sysched.io/syscalls} annotation is assumed to use
 *       ({@code default} / {@code full-seccomp}, as upstream SySched's defaultProfileNamespace/Name).</li>
 *   <li>{@code weights}: syscall name → whole-number weight; names not listed weigh 1.</li>
 *   <li>{@code ipp.class-label}: pod label that carries the isolation class when the
 *       {@code exs.sysched.io/ipp-class} annotation is absent ({@code ipp-class}).</li>
 *   <li>{@code bind.enabled}: serve {@code POST /bind} (false).</li>
 *   <li>{@code spo.scope}: whether SeccompProfiles are namespaced or cluster-scoped: {@code auto} (default:
 *       read {@code spec.scope} of the CRD {@code seccompprofiles.security-profiles-operator.x-k8s.io}, never
 *       assumed: while it is absent or unreadable the extender retries in the background and stays not ready),
 *       {@code namespaced} or {@code cluster} (no detection). It decides the default profile's key
 *       ({@code default-profile.name} alone when cluster-scoped) and how SeccompProfiles are keyed.</li>
 *   <li>{@code spo.version}: the SeccompProfile API version the informer reads: {@code v1beta1} (default,
 *       SPO up to v0.10) or {@code v1} (SPO v1.0+).</li>
 *   <li>{@code max-request-size}: extender request bodies larger than this are refused with 413 ({@code 8MB}:
 *       {@code NodeNames} for any cluster size, full {@code Nodes} for about a thousand typical nodes).</li>
 *   <li>{@code containers.unprofiled} ({@code default-profile} | {@code runtime-default} | {@code ignore}) and
 *       {@code containers.init} ({@code count} | {@code ignore}): how containers without a profile and init
 *       containers count (common's {@code ContainerPolicy}); keep them equal to the webhook's
 *       {@code sysched.webhook.containers.*}.</li>
 * </ul>
 * Pods without a valid {@code exs.sysched.io/syscalls} annotation are resolved from their own seccomp
 * settings with common's {@code io.github.sysched.pod.PodSyscallResolver}: Localhost SPO profile → that
 * profile (with its base chain), RuntimeDefault → the runtime-default set, none/Unconfined → the default
 * profile, and the full x86_64 table when the default profile does not exist.
 */
@Validated
@ConfigurationProperties(prefix = "sysched.scheduler")
public class SchedulerProperties {

    private final DefaultProfile defaultProfile = new DefaultProfile();
    private Map<String, Long> weights = new LinkedHashMap<>();
    private final Ipp ipp = new Ipp();
    private final Bind bind = new Bind();
    private final Spo spo = new Spo();
    private DataSize maxRequestSize = DataSize.ofMegabytes(8);
    private final Containers containers = new Containers();

    public DefaultProfile getDefaultProfile() {
        return defaultProfile;
    }

    public Map<String, Long> getWeights() {
        return weights;
    }

    public void setWeights(Map<String, Long> weights) {
        this.weights = weights == null ? new LinkedHashMap<>() : weights;
    }

    public Ipp getIpp() {
        return ipp;
    }

    public Bind getBind() {
        return bind;
    }

    public Spo getSpo() {
        return spo;
    }

    public DataSize getMaxRequestSize() {
        return maxRequestSize;
    }

    public void setMaxRequestSize(DataSize maxRequestSize) {
        this.maxRequestSize = maxRequestSize == null ? DataSize.ofMegabytes(8) : maxRequestSize;
    }

    public Containers getContainers() {
        return containers;
    }

    public static class Containers {
        private ContainerPolicy.Unprofiled unprofiled = ContainerPolicy.Unprofiled.DEFAULT_PROFILE;
        private ContainerPolicy.InitContainers init = ContainerPolicy.InitContainers.COUNT;

        public ContainerPolicy.Unprofiled getUnprofiled() {
            return unprofiled;
        }

        public void setUnprofiled(ContainerPolicy.Unprofiled unprofiled) {
            this.unprofiled = unprofiled;
        }

        public ContainerPolicy.InitContainers getInit() {
            return init;
        }

        public void setInit(ContainerPolicy.InitContainers init) {
            this.init = init;
        }

        public ContainerPolicy policy() {
            return new ContainerPolicy(unprofiled, init);
        }
    }

    public static class DefaultProfile {
        private String namespace = "default";
        private String name = "full-seccomp";

        public String getNamespace() {
            return namespace;
        }

        public void setNamespace(String namespace) {
            this.namespace = namespace;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    public static class Ipp {
        private String classLabel = "ipp-class";

        public String getClassLabel() {
            return classLabel;
        }

        public void setClassLabel(String classLabel) {
            this.classLabel = classLabel;
        }
    }

    public static class Bind {
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    public static class Spo {
        /** {@code auto} | {@code namespaced} | {@code cluster}. */
        private String scope = "auto";
        /** {@code v1beta1} | {@code v1}. */
        private String version = "v1beta1";

        public String getScope() {
            return scope;
        }

        public void setScope(String scope) {
            this.scope = scope;
        }

        public String getVersion() {
            return version;
        }

        public void setVersion(String version) {
            this.version = version;
        }
    }
}
