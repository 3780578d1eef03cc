package io.github.sysched.scheduler.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
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
 * </ul>
 */
@Validated
@ConfigurationProperties(prefix = "sysched.scheduler")
public class SchedulerProperties {

    private final DefaultProfile defaultProfile = new DefaultProfile();
    private Map<String, Long> weights = new LinkedHashMap<>();
    private final Ipp ipp = new Ipp();
    private final Bind bind = new Bind();

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
}
