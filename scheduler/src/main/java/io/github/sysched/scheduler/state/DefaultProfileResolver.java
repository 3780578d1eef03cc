package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompSyscall;
import io.github.sysched.syscall.SyscallSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First fallback: every unannotated pod gets the configured default profile's set (upstream SySched's
 * behaviour for pods without a profile), looked up in the SeccompProfile informer cache that feeds
 * {@link #onProfile}/{@link #onProfileDeleted}. Until that profile is seen the set is empty (logged once).
 *
 * <p>TODO: once common's {@code io.github.sysched.pod} resolver lands, resolve the pod's own profiles
 * (pod- and container-level seccompProfile → SeccompProfile) and use the default only when it has none.
 */
public class DefaultProfileResolver implements UnannotatedPodResolver {

    private static final Logger log = LoggerFactory.getLogger(DefaultProfileResolver.class);
    private static final Set<String> COUNTED_ACTIONS = Set.of("SCMP_ACT_ALLOW", "SCMP_ACT_LOG");

    private final String namespace;
    private final String name;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile SyscallSet defaultSet = SyscallSet.empty();
    private volatile boolean seen;
    private volatile boolean warned;

    public DefaultProfileResolver(SchedulerProperties properties) {
        this.namespace = properties.getDefaultProfile().getNamespace();
        this.name = properties.getDefaultProfile().getName();
    }

    @Override
    public SyscallSet resolve(Pod pod) {
        if (!seen && !warned) {
            warned = true;
            log.warn("default SeccompProfile {}/{} not (yet) seen: unannotated pods count with an empty set",
                    namespace, name);
        }
        return defaultSet;
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    public SyscallSet defaultSet() {
        return defaultSet;
    }

    /** A SeccompProfile was added or changed. Cluster-scoped profiles (SPO v0.9+) match on the name alone. */
    public void onProfile(SeccompProfile profile) {
        if (!isDefault(profile)) {
            return;
        }
        SyscallSet set = allowedNames(profile);
        boolean changed = !seen || !set.equals(defaultSet);
        defaultSet = set;
        seen = true;
        if (changed) {
            log.info("default SeccompProfile {}/{}: {} syscalls", namespace, name, set.cardinality());
            listeners.forEach(Runnable::run);
        }
    }

    public void onProfileDeleted(SeccompProfile profile) {
        if (!isDefault(profile)) {
            return;
        }
        log.warn("default SeccompProfile {}/{} deleted: unannotated pods now count with an empty set",
                namespace, name);
        defaultSet = SyscallSet.empty();
        seen = false;
        listeners.forEach(Runnable::run);
    }

    private boolean isDefault(SeccompProfile profile) {
        if (profile == null || profile.getMetadata() == null) {
            return false;
        }
        String ns = profile.getMetadata().getNamespace();
        return name.equals(profile.getMetadata().getName()) && (ns == null || ns.isEmpty() || ns.equals(namespace));
    }

    /** Names under SCMP_ACT_ALLOW and SCMP_ACT_LOG, as upstream counts them (base profiles not followed). */
    static SyscallSet allowedNames(SeccompProfile profile) {
        if (profile.getSpec() == null || profile.getSpec().getSyscalls() == null) {
            return SyscallSet.empty();
        }
        Set<String> names = new LinkedHashSet<>();
        for (SeccompSyscall rule : profile.getSpec().getSyscalls()) {
            if (rule != null && COUNTED_ACTIONS.contains(rule.getAction()) && rule.getNames() != null) {
                rule.getNames().stream().filter(Objects::nonNull).filter(n -> !n.isBlank()).forEach(names::add);
            }
        }
        return SyscallSet.of(names);
    }
}
