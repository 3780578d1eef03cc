package io.github.sysched.pod;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.github.sysched.binding.BindingPlan;
import io.github.sysched.binding.BoundProfile;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.ProfileResolutionException;
import io.github.sysched.profile.ProfileResolver;
import io.github.sysched.profile.ResolvedProfile;
import io.github.sysched.profile.RuntimeDefaultProfile;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes a pod's syscall set from its seccomp settings, with Kubernetes semantics:
 * <ul>
 *   <li>Every container and init container counts (ephemeral containers do not: they are added later).</li>
 *   <li>A container's own setting overrides the pod-level one for that container. At each level the
 *       {@code seccompProfile} field wins over the legacy annotation
 *       ({@link LegacySeccompAnnotations}); unreadable annotations are warnings, checked in sorted key order.
 *       Other keys containing {@code seccomp.security.alpha.kubernetes.io} (upstream SySched reads them) are
 *       not read, with a warning: nothing applies them.</li>
 *   <li>Localhost with an SPO path ({@code operator/...json}) → that profile, via {@link ProfileResolver}
 *       (a missing profile or broken base chain throws {@link ProfileResolutionException}). A file
 *       {@code x.json} is SPO's file of profile {@code x} and of profile {@code x.json}
 *       ({@link ProfileKey#forLocalhostProfile}): the one the binding plan assigned, else the first that exists.</li>
 *   <li>RuntimeDefault → the runtime-default set.</li>
 *   <li>Unconfined, no setting at all, or a Localhost path that is not an SPO profile (with a warning) → the
 *       configured default profile, as upstream SySched does for pods without a profile.</li>
 *   <li>If the default profile itself does not exist, the fallback is the full x86_64 syscall table, with a
 *       warning: the most conservative set, so the pod is still scored instead of failing.</li>
 *   <li>{@link ContainerPolicy} may count containers without a profile as RuntimeDefault or leave them out, and
 *       leave out init containers that run to completion; a pod of which no container counts gets the default
 *       profile.</li>
 * </ul>
 * The result is the union of the containers' sets.
 */
public final class PodSyscallResolver {

    private final ProfileResolver profiles;
    private final SyscallSet runtimeDefault;
    private final ProfileKey defaultProfile;
    private final ContainerPolicy policy;

    /**
     * @param defaultProfile the profile for pods without one, already in the SPO scope
     *                       ({@link ProfileKey#inScope})
     */
    public PodSyscallResolver(
            ProfileResolver profiles, SyscallSet runtimeDefault, ProfileKey defaultProfile, ContainerPolicy policy) {
        this.profiles = Objects.requireNonNull(profiles, "profiles");
        this.runtimeDefault = Objects.requireNonNull(runtimeDefault, "runtimeDefault");
        this.defaultProfile = Objects.requireNonNull(defaultProfile, "defaultProfile");
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** With {@link ContainerPolicy#defaults()}. */
    public PodSyscallResolver(ProfileResolver profiles, SyscallSet runtimeDefault, ProfileKey defaultProfile) {
        this(profiles, runtimeDefault, defaultProfile, ContainerPolicy.defaults());
    }

    /**
     * The resolver the webhook and the scheduler both use, so a pod's set means the same in both: SPO profiles
     * from {@code profiles}, deny-lists measured against the full x86_64 table, RuntimeDefault from
     * {@link RuntimeDefaultProfile}.
     */
    public static PodSyscallResolver forSpoProfiles(
            ProfileLookup profiles, ProfileKey defaultProfile, ContainerPolicy policy) {
        return new PodSyscallResolver(
                new ProfileResolver(profiles, SyscallTable.x86_64().allSyscalls()),
                RuntimeDefaultProfile.syscalls(),
                defaultProfile,
                policy);
    }

    /** {@link #forSpoProfiles(ProfileLookup, ProfileKey, ContainerPolicy)} with the default container policy. */
    public static PodSyscallResolver forSpoProfiles(ProfileLookup profiles, ProfileKey defaultProfile) {
        return forSpoProfiles(profiles, defaultProfile, ContainerPolicy.defaults());
    }

    /** The set of a pod as it is, without binding information (no container gets origin BINDING). */
    public PodSyscalls resolve(Pod pod) {
        return resolve(pod, BindingPlan.empty());
    }

    /**
     * The set of {@code pod}, normally the copy {@link BindingPlan#applyTo} returned: a container whose
     * profile is the one {@code plan} assigned gets origin BINDING.
     */
    public PodSyscalls resolve(Pod pod, BindingPlan plan) {
        Run run = new Run(pod, plan);
        return run.resolve();
    }

    /** The state of one resolution: warnings and per-key memo. */
    private final class Run {

        private final Pod pod;
        private final BindingPlan plan;
        private final Map<String, String> annotations;
        private final List<String> warnings = new ArrayList<>();
        private final Map<ProfileKey, ResolvedProfile> resolved = new HashMap<>();
        private ContainerSyscalls defaultTemplate;

        Run(Pod pod, BindingPlan plan) {
            this.pod = pod;
            this.plan = plan;
            Map<String, String> found =
                    pod.getMetadata() == null ? null : pod.getMetadata().getAnnotations();
            this.annotations = found == null ? Map.of() : new TreeMap<>(found);
        }

        PodSyscalls resolve() {
            PodSpec spec = pod.getSpec();
            List<Container> initContainers =
                    spec == null || spec.getInitContainers() == null ? List.of() : spec.getInitContainers();
            List<Container> containers =
                    spec == null || spec.getContainers() == null ? List.of() : spec.getContainers();
            checkContainerAnnotations(initContainers, containers);

            SeccompProfile podField = spec == null || spec.getSecurityContext() == null
                    ? null
                    : spec.getSecurityContext().getSeccompProfile();
            Optional<SeccompSetting> podSetting =
                    settingOf(podField, annotations.get(LegacySeccompAnnotations.POD), "pod");

            List<ContainerSyscalls> results = new ArrayList<>();
            for (Container container : initContainers) {
                boolean leftOut =
                        runsToCompletion(container) && policy.initContainers() == ContainerPolicy.InitContainers.IGNORE;
                results.add(
                        leftOut
                                ? new ContainerSyscalls(
                                        container.getName(),
                                        true,
                                        ProfileOrigin.INIT_IGNORED,
                                        Optional.empty(),
                                        Optional.empty(),
                                        SyscallSet.empty())
                                : resolveContainer(container, true, podSetting));
            }
            for (Container container : containers) {
                results.add(resolveContainer(container, false, podSetting));
            }
            if (!results.isEmpty() && results.stream().allMatch(Run::leftOut)) {
                // as upstream SySched: a pod that names no profile anywhere gets the default profile
                warnings.add("no container of the pod counts; using the default profile " + defaultProfile);
                results.replaceAll(r -> r.origin() == ProfileOrigin.UNPROFILED_IGNORED
                        ? withIdentity(defaultFor(r.containerName()), r.containerName(), r.initContainer())
                        : r);
            }
            SyscallSet union = SyscallSet.empty();
            for (ContainerSyscalls result : results) {
                union = union.union(result.syscalls());
            }
            if (results.isEmpty()) {
                warnings.add("pod has no containers; using the default profile");
                union = defaultFor("pod").syscalls();
            }
            return new PodSyscalls(union, results, warnings);
        }

        /** What a container without a profile of its own gets under the policy. */
        private ContainerSyscalls unprofiled(String name, boolean init, boolean noSettingAtAll) {
            return switch (policy.unprofiled()) {
                case IGNORE ->
                    new ContainerSyscalls(
                            name,
                            init,
                            ProfileOrigin.UNPROFILED_IGNORED,
                            Optional.empty(),
                            Optional.empty(),
                            SyscallSet.empty());
                case RUNTIME_DEFAULT ->
                    noSettingAtAll
                            ? new ContainerSyscalls(
                                    name,
                                    init,
                                    ProfileOrigin.RUNTIME_DEFAULT,
                                    Optional.empty(),
                                    Optional.empty(),
                                    runtimeDefault)
                            : withIdentity(defaultFor("container " + name), name, init);
                case DEFAULT_PROFILE -> withIdentity(defaultFor("container " + name), name, init);
            };
        }

        private ContainerSyscalls resolveContainer(
                Container container, boolean init, Optional<SeccompSetting> podSetting) {
            String name = container.getName();
            SeccompProfile field = container.getSecurityContext() == null
                    ? null
                    : container.getSecurityContext().getSeccompProfile();
            Optional<SeccompSetting> own =
                    settingOf(field, annotations.get(LegacySeccompAnnotations.containerKey(name)), "container " + name);
            Optional<SeccompSetting> effective = own.isPresent() ? own : podSetting;
            if (effective.isEmpty() || effective.get().type() == SeccompSetting.Type.UNCONFINED) {
                return unprofiled(name, init, effective.isEmpty());
            }
            SeccompSetting setting = effective.get();
            if (setting.type() == SeccompSetting.Type.RUNTIME_DEFAULT) {
                return new ContainerSyscalls(
                        name, init, ProfileOrigin.RUNTIME_DEFAULT, Optional.empty(), Optional.empty(), runtimeDefault);
            }
            List<ProfileKey> candidates = ProfileKey.forLocalhostProfile(setting.localhostProfile());
            if (candidates.isEmpty()) {
                warnings.add("container " + name + ": Localhost profile '" + setting.localhostProfile() + "' ("
                        + setting.source() + ") is not an SPO profile; "
                        + (policy.unprofiled() == ContainerPolicy.Unprofiled.IGNORE
                                ? "left out"
                                : "using the default profile " + defaultProfile));
                return unprofiled(name, init, false);
            }
            Optional<BoundProfile> bound =
                    own.isPresent() ? Optional.ofNullable(plan.containers().get(name)) : plan.podLevel();
            ProfileKey key = bound.map(BoundProfile::profile)
                    .filter(candidates::contains)
                    .orElseGet(() -> candidates.stream()
                            .filter(profiles::exists)
                            .findFirst()
                            .orElse(candidates.get(0)));
            ResolvedProfile profile = resolved.computeIfAbsent(key, profiles::resolve);
            if (bound.isPresent() && bound.get().profile().equals(key)) {
                return new ContainerSyscalls(
                        name,
                        init,
                        ProfileOrigin.BINDING,
                        Optional.of(key),
                        Optional.of(bound.get().binding()),
                        profile.syscalls());
            }
            return new ContainerSyscalls(
                    name, init, ProfileOrigin.EXPLICIT_PROFILE, Optional.of(key), Optional.empty(), profile.syscalls());
        }

        private Optional<SeccompSetting> settingOf(SeccompProfile field, String annotation, String level) {
            if (field != null) {
                Optional<SeccompSetting> fromField = SeccompSetting.fromField(field, level + " field");
                if (fromField.isPresent()) {
                    return fromField;
                }
                warnings.add(level + ": unusable seccompProfile field (type " + field.getType() + ", localhostProfile "
                        + field.getLocalhostProfile() + "); ignored");
            }
            if (annotation != null) {
                Optional<SeccompSetting> fromAnnotation =
                        SeccompSetting.fromAnnotation(annotation, level + " annotation");
                if (fromAnnotation.isEmpty()) {
                    warnings.add(level + ": unknown legacy seccomp annotation value '" + annotation + "'; ignored");
                }
                return fromAnnotation;
            }
            return Optional.empty();
        }

        private void checkContainerAnnotations(List<Container> initContainers, List<Container> containers) {
            Set<String> names = new HashSet<>();
            initContainers.forEach(c -> names.add(c.getName()));
            containers.forEach(c -> names.add(c.getName()));
            if (pod.getSpec() != null && pod.getSpec().getEphemeralContainers() != null) {
                pod.getSpec().getEphemeralContainers().forEach(c -> names.add(c.getName()));
            }
            for (String key : annotations.keySet()) {
                if (LegacySeccompAnnotations.isUnappliedLookalike(key)) {
                    warnings.add("annotation " + key + " is not a seccomp annotation Kubernetes applies (only "
                            + LegacySeccompAnnotations.POD + " and " + LegacySeccompAnnotations.CONTAINER_PREFIX
                            + "<container>); ignored");
                }
                if (key.startsWith(LegacySeccompAnnotations.CONTAINER_PREFIX)
                        && !names.contains(key.substring(LegacySeccompAnnotations.CONTAINER_PREFIX.length()))) {
                    warnings.add("annotation " + key + " names no container of the pod; ignored");
                }
            }
        }

        private ContainerSyscalls defaultFor(String target) {
            if (defaultTemplate == null) {
                try {
                    ResolvedProfile profile = resolved.computeIfAbsent(defaultProfile, profiles::resolve);
                    defaultTemplate = new ContainerSyscalls(
                            target,
                            false,
                            ProfileOrigin.DEFAULT_PROFILE,
                            Optional.of(defaultProfile),
                            Optional.empty(),
                            profile.syscalls());
                } catch (ProfileResolutionException e) {
                    if (e.reason() != ProfileResolutionException.Reason.PROFILE_NOT_FOUND) {
                        throw e;
                    }
                    SyscallSet all = SyscallTable.x86_64().allSyscalls();
                    warnings.add("default profile " + defaultProfile + " not found; using the full x86_64 table ("
                            + all.cardinality() + " syscalls)");
                    defaultTemplate = new ContainerSyscalls(
                            target, false, ProfileOrigin.DEFAULT_PROFILE, Optional.empty(), Optional.empty(), all);
                }
            }
            return defaultTemplate;
        }

        private static boolean runsToCompletion(Container initContainer) {
            return !"Always".equals(initContainer.getRestartPolicy());
        }

        private static boolean leftOut(ContainerSyscalls result) {
            return result.origin() == ProfileOrigin.UNPROFILED_IGNORED || result.origin() == ProfileOrigin.INIT_IGNORED;
        }

        private ContainerSyscalls withIdentity(ContainerSyscalls template, String name, boolean init) {
            return new ContainerSyscalls(
                    name, init, template.origin(), template.profile(), template.binding(), template.syscalls());
        }
    }
}
