package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.api.model.Pod;
import io.github.sysched.pod.ContainerPolicy;
import io.github.sysched.pod.PodSyscallResolver;
import io.github.sysched.pod.PodSyscalls;
import io.github.sysched.profile.PolicyMemo;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.ProfileResolutionException;
import io.github.sysched.profile.ProfileResolver;
import io.github.sysched.profile.RuntimeDefaultProfile;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves a pod without a valid {@code exs.sysched.io/syscalls} annotation with common's
 * {@link PodSyscallResolver} over the SeccompProfile informer's cache: Localhost SPO profiles (with their
 * base chains), RuntimeDefault → {@link RuntimeDefaultProfile}, none/Unconfined → the configured default
 * profile, and the full x86_64 table when that profile does not exist (common's documented fallback).
 *
 * <p>The SPO scope (how profiles are keyed) is given once it is known ({@link #useScope}); until then every
 * pod resolves to the full table. The profile lookup is a snapshot of the {@code ClusterView}'s SeccompProfiles,
 * rebuilt on the first resolution after a SeccompProfile change ({@link #profilesChanged()}), not per pod;
 * converted policies are kept across snapshots while a profile's resourceVersion is unchanged, in the view's
 * {@link PolicyMemo} (which drops a deleted profile's policy). Nothing here calls the API server, so it is safe on
 * the extender's request path.
 */
public class SpoPodResolver implements UnannotatedPodResolver {

    private static final Logger log = LoggerFactory.getLogger(SpoPodResolver.class);
    private static final SyscallSet UNIVERSE = SyscallTable.x86_64().allSyscalls();

    private final String defaultNamespace;
    private final String defaultName;
    private final ContainerPolicy containerPolicy;
    private volatile SpoScope scope;
    private volatile ProfileKey defaultProfile;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile PolicyMemo policies = new PolicyMemo();
    private final AtomicLong generation = new AtomicLong();
    private volatile Supplier<? extends Collection<? extends SeccompProfile>> profiles = List::of;
    private volatile Snapshot snapshot;
    private volatile boolean defaultMissingLogged;

    /** One consistent view of the SeccompProfiles, valid while {@code generation} is current. */
    private record Snapshot(long generation, PodSyscallResolver resolver) {}

    /**
     * A resolver whose SPO scope is not known yet ({@link #useScope} comes once it is detected): until then
     * every pod resolves to the full x86_64 table, the most conservative set.
     *
     * @param defaultNamespace / defaultName {@code sysched.scheduler.default-profile.*}; the namespace is
     *                                       dropped when the scope is CLUSTER
     */
    public SpoPodResolver(String defaultNamespace, String defaultName, ContainerPolicy containerPolicy) {
        this.defaultNamespace = defaultNamespace;
        this.defaultName = defaultName;
        this.containerPolicy = Objects.requireNonNull(containerPolicy, "containerPolicy");
    }

    /** With {@link ContainerPolicy#defaults()}. */
    public SpoPodResolver(String defaultNamespace, String defaultName) {
        this(defaultNamespace, defaultName, ContainerPolicy.defaults());
    }

    public SpoPodResolver(SpoScope scope, String defaultNamespace, String defaultName) {
        this(defaultNamespace, defaultName);
        useScope(scope);
    }

    /**
     * The SPO scope is known: key profiles and the default profile in it, and re-resolve the fallback pods.
     * The scope cannot change afterwards (profile keys and the pods resolved with them depend on it).
     */
    public void useScope(SpoScope newScope) {
        Objects.requireNonNull(newScope, "scope");
        synchronized (this) {
            if (newScope == scope) {
                return;
            }
            if (scope != null) {
                throw new IllegalStateException("SPO scope already " + scope + ", cannot become " + newScope);
            }
            defaultProfile = ProfileKey.inScope(newScope, defaultNamespace, defaultName);
            scope = newScope;
        }
        // outside this lock: listeners take ClusterState's lock, under which ClusterState resolves (this lock)
        profilesChanged();
    }

    /** Empty until the scope is known. */
    public Optional<SpoScope> scope() {
        return Optional.ofNullable(scope);
    }

    /** The default profile's key in the scope; null until the scope is known. */
    public ProfileKey defaultProfile() {
        return defaultProfile;
    }

    /** Where the profiles come from (the cluster view's), converting through its memo. */
    public void attach(Supplier<? extends Collection<? extends SeccompProfile>> source, PolicyMemo memo) {
        this.policies = Objects.requireNonNull(memo, "memo");
        attach(source);
    }

    /** Where the profiles come from, converting through a memo of this resolver's own. */
    public void attach(Supplier<? extends Collection<? extends SeccompProfile>> source) {
        this.profiles = Objects.requireNonNull(source, "source");
        generation.incrementAndGet();
    }

    /** A SeccompProfile was added, changed or deleted: drop the snapshot and tell the listeners. */
    public void profilesChanged() {
        generation.incrementAndGet();
        listeners.forEach(Runnable::run);
    }

    @Override
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    @Override
    public SyscallSet resolve(Pod pod) {
        return resolveDetailed(pod).syscalls();
    }

    /**
     * The pod's set with origins and warnings. A profile the pod names that is missing, invalid or has a
     * broken base chain gives the full x86_64 table (the most conservative set), with a warning.
     */
    public PodSyscalls resolveDetailed(Pod pod) {
        if (scope == null) {
            return new PodSyscalls(UNIVERSE, List.of(), List.of("SPO scope not known yet"));
        }
        try {
            PodSyscalls result = current().resolver.resolve(pod);
            if (!result.warnings().isEmpty() && log.isDebugEnabled()) {
                log.debug("pod {}: {}", name(pod), result.warnings());
            }
            return result;
        } catch (ProfileResolutionException e) {
            log.warn(
                    "pod {}: {}; counting it with the full x86_64 table ({} syscalls)",
                    name(pod),
                    e.getMessage(),
                    UNIVERSE.cardinality());
            return new PodSyscalls(UNIVERSE, List.of(), List.of(e.getMessage()));
        }
    }

    private Snapshot current() {
        Snapshot current = snapshot;
        long wanted = generation.get();
        if (current != null && current.generation == wanted) {
            return current;
        }
        synchronized (this) {
            current = snapshot;
            wanted = generation.get();
            if (current == null || current.generation != wanted) {
                current = build(wanted);
                snapshot = current;
            }
            return current;
        }
    }

    private Snapshot build(long gen) {
        List<SeccompProfile> usable = new ArrayList<>();
        for (SeccompProfile profile : profiles.get()) {
            try {
                SpoProfiles.keyOf(profile, scope);
                usable.add(profile);
            } catch (RuntimeException e) {
                log.warn(
                        "SeccompProfile {} cannot be keyed in scope {}: {}; ignored",
                        profile.getMetadata() == null
                                ? "?"
                                : profile.getMetadata().getName(),
                        scope,
                        e.getMessage());
            }
        }
        ProfileLookup lookup = SpoProfiles.lookup(usable, scope, policies);
        ProfileResolver resolver = new ProfileResolver(lookup, UNIVERSE);
        boolean defaultExists = resolver.exists(defaultProfile);
        if (!defaultExists && !defaultMissingLogged) {
            log.warn(
                    "default SeccompProfile {} not found ({} profiles, scope {}): pods without a profile count with "
                            + "the full x86_64 table ({} syscalls)",
                    defaultProfile,
                    usable.size(),
                    scope,
                    UNIVERSE.cardinality());
        } else if (defaultExists && defaultMissingLogged) {
            log.info("default SeccompProfile {} found", defaultProfile);
        }
        defaultMissingLogged = !defaultExists;
        return new Snapshot(gen, PodSyscallResolver.forSpoProfiles(lookup, defaultProfile, containerPolicy));
    }

    private static String name(Pod pod) {
        return pod.getMetadata() == null
                ? "?"
                : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }
}
