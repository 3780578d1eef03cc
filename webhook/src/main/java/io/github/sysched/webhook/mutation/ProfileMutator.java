package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.binding.Binding;
import io.github.sysched.binding.BindingPlan;
import io.github.sysched.binding.BindingPolicy;
import io.github.sysched.binding.BindingResolver;
import io.github.sysched.pod.ContainerSyscalls;
import io.github.sysched.pod.PodSyscallResolver;
import io.github.sysched.pod.PodSyscalls;
import io.github.sysched.pod.ProfileOrigin;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileResolutionException;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.webhook.admission.AdmissionContext;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.cache.ClusterLookups;
import io.github.sysched.webhook.config.WebhookProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Pod CREATE in an opted-in namespace: ProfileBindings → profiles (with base chains) → the pod's syscall set,
 * all from the cluster view (informer caches) and the common resolvers. Stamps {@code exs.sysched.io/syscalls}
 * (codec) and {@code exs.sysched.io/profiles} (human-readable); in {@code enforce} mode also sets the
 * seccompProfile fields SPO's binding webhook would set.
 */
@Component
@Order(100)
public class ProfileMutator implements PodMutator {

    private static final Logger log = LoggerFactory.getLogger(ProfileMutator.class);

    private final ClusterLookups cluster;
    private final NamespacePolicy namespaces;
    private final WebhookProperties properties;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public ProfileMutator(
            ClusterLookups cluster,
            NamespacePolicy namespaces,
            WebhookProperties properties,
            ObjectMapper mapper,
            MeterRegistry registry) {
        this.cluster = cluster;
        this.namespaces = namespaces;
        this.properties = properties;
        this.mapper = mapper;
        this.registry = registry;
    }

    /**
     * Runs binding and pod resolution and the annotation codec once on a synthetic pod, so the first real
     * request does not pay for class loading. Failures are logged, never thrown.
     */
    public void warmUp() {
        try {
            SpoScope scope = cluster.scope();
            Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
                    .withNewMetadata()
                    .withGenerateName("warm-up-")
                    .endMetadata()
                    .withNewSpec()
                    .addNewContainer()
                    .withName("c")
                    .withImage("warm-up:0")
                    .endContainer()
                    .endSpec()
                    .build();
            mapper.treeToValue(mapper.valueToTree(pod), Pod.class);
            BindingPlan plan =
                    bindingResolver(scope).plan(pod, properties.defaultProfile().namespace(), List.of());
            PodSyscalls result = podResolver(scope).resolve(plan.applyTo(pod), plan);
            SyscallAnnotation.decode(new SyscallAnnotation(result.syscalls(), sources(result)).encode());
            describe(result);
        } catch (RuntimeException e) {
            log.warn("warm-up resolution failed (requests will still be served): {}", e.toString());
        }
    }

    private BindingResolver bindingResolver(SpoScope scope) {
        return new BindingResolver(
                scope,
                key -> cluster.profile(key).isPresent(),
                new BindingPolicy(properties.binding().overrideExisting()));
    }

    private ProfileKey defaultProfile(SpoScope scope) {
        return ProfileKey.inScope(
                scope,
                properties.defaultProfile().namespace(),
                properties.defaultProfile().name());
    }

    private PodSyscallResolver podResolver(SpoScope scope) {
        return PodSyscallResolver.forSpoProfiles(
                cluster.profileLookup(),
                defaultProfile(scope),
                properties.containers().policy());
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return namespaces.resolvesProfiles(request.namespace());
    }

    @Override
    public void mutate(PodAdmission admission) {
        SpoScope scope = cluster.scope();
        if (scope == null || !cluster.synced()) {
            throw new IllegalStateException("informer caches not synced: " + cluster.problem());
        }
        AdmissionContext request = admission.request();
        Pod pod = admission.pod();
        String namespace = request.namespace();
        List<Binding> bindings =
                cluster.bindings(namespace).stream().map(Binding::from).toList();
        BindingPlan plan = bindingResolver(scope).plan(pod, namespace, bindings);
        Pod bound = plan.applyTo(pod);
        plan.warnings().forEach(admission::warn);
        if (properties.mode() == WebhookProperties.Mode.ENFORCE) {
            enforce(pod, bound);
        }

        PodSyscalls result;
        try {
            result = podResolver(scope).resolve(bound, plan);
        } catch (ProfileResolutionException e) {
            count(request, "unresolved");
            admission.warn("sysched: syscall set of " + request.describe() + " not computed: " + e.getMessage());
            log.warn("cannot resolve the syscall set of {}: {}", request.describe(), e.getMessage());
            return;
        }
        result.warnings().forEach(admission::warn);
        if (result.origins().contains(ProfileOrigin.DEFAULT_PROFILE)) {
            admission.warn("sysched: container(s) " + containersWith(result, ProfileOrigin.DEFAULT_PROFILE)
                    + " of " + request.describe() + " have no seccomp profile; scored with the default profile "
                    + defaultProfile(scope));
        }
        installationNotes(result).forEach(admission::warn);
        if (result.origins().contains(ProfileOrigin.UNPROFILED_IGNORED)) {
            admission.warn("sysched: container(s) " + containersWith(result, ProfileOrigin.UNPROFILED_IGNORED)
                    + " of " + request.describe() + " have no seccomp profile and are left out of its syscall set"
                    + " (containers.unprofiled=ignore)");
        }
        admission.syscalls(result);
        count(request, result.origin().name());
        admission.annotate(
                PlacementAnnotations.SYSCALLS, new SyscallAnnotation(result.syscalls(), sources(result)).encode());
        admission.annotate(PlacementAnnotations.PROFILES, describe(result));
    }

    @Override
    public void skipped(AdmissionContext request, AdmissionVerdict verdict, String why) {
        count(request, "unresolved");
        verdict.warn("sysched: syscall set of " + request.describe() + " not computed: " + why);
    }

    private void count(AdmissionContext request, String outcome) {
        if (!request.dryRun()) { // dry run: no side effects, not even on the resolution statistics
            Counter.builder("sysched.resolutions")
                    .description("Pod syscall-set resolutions by outcome")
                    .tag("outcome", outcome)
                    .register(registry)
                    .increment();
        }
    }

    /**
     * Enforce mode: the seccompProfile fields the binding plan set on {@code bound} (a copy), set on the pod
     * itself (container and pod level), as SPO's binding webhook sets them.
     */
    private static void enforce(Pod pod, Pod bound) {
        if (bound == pod) {
            return;
        }
        PodSpec spec = pod.getSpec();
        SeccompProfile podLevel = bound.getSpec().getSecurityContext() == null
                ? null
                : bound.getSpec().getSecurityContext().getSeccompProfile();
        if (podLevel != null
                && !podLevel.equals(
                        spec.getSecurityContext() == null
                                ? null
                                : spec.getSecurityContext().getSeccompProfile())) {
            if (spec.getSecurityContext() == null) {
                spec.setSecurityContext(new PodSecurityContext());
            }
            spec.getSecurityContext().setSeccompProfile(podLevel);
        }
        enforceContainers(spec.getContainers(), bound.getSpec().getContainers());
        enforceContainers(spec.getInitContainers(), bound.getSpec().getInitContainers());
    }

    private static void enforceContainers(List<Container> containers, List<Container> bound) {
        if (containers == null || bound == null) {
            return;
        }
        for (int i = 0; i < containers.size() && i < bound.size(); i++) {
            Container container = containers.get(i);
            SeccompProfile profile = seccompOf(bound.get(i));
            if (container != null && profile != null && !profile.equals(seccompOf(container))) {
                if (container.getSecurityContext() == null) {
                    container.setSecurityContext(new SecurityContext());
                }
                container.getSecurityContext().setSeccompProfile(profile);
            }
        }
    }

    private static SeccompProfile seccompOf(Container container) {
        SecurityContext context = container == null ? null : container.getSecurityContext();
        return context == null ? null : context.getSeccompProfile();
    }

    /** Profiles the containers run with that SPO has not installed (or has disabled): the author should know. */
    private List<String> installationNotes(PodSyscalls result) {
        Set<ProfileKey> named = new java.util.TreeSet<>();
        for (ContainerSyscalls container : result.containers()) {
            if (container.origin() == ProfileOrigin.BINDING || container.origin() == ProfileOrigin.EXPLICIT_PROFILE) {
                container.profile().ifPresent(named::add);
            }
        }
        List<String> notes = new ArrayList<>();
        for (ProfileKey key : named) {
            cluster.profile(key)
                    .flatMap(SpoProfiles::installationNote)
                    .ifPresent(note -> notes.add("sysched: SeccompProfile " + key + " " + note));
        }
        return notes;
    }

    private static List<String> sources(PodSyscalls result) {
        Set<String> sources = new LinkedHashSet<>();
        for (ContainerSyscalls container : result.containers()) {
            container.profile().ifPresent(p -> sources.add(p.toString()));
            container.binding().ifPresent(b -> sources.add("binding=" + b));
            if (container.origin() == ProfileOrigin.RUNTIME_DEFAULT) {
                sources.add("RuntimeDefault");
            }
        }
        return new ArrayList<>(sources);
    }

    /** {@code nginx=default/nginx-seccomp (binding default/nginx-binding), sidecar=RuntimeDefault}. */
    static String describe(PodSyscalls result) {
        List<String> parts = new ArrayList<>();
        for (ContainerSyscalls c : result.containers()) {
            String what = switch (c.origin()) {
                case BINDING ->
                    c.profile().map(ProfileKey::toString).orElse("?")
                            + c.binding().map(b -> " (binding " + b + ")").orElse("");
                case EXPLICIT_PROFILE -> c.profile().map(ProfileKey::toString).orElse("?");
                case RUNTIME_DEFAULT -> "RuntimeDefault";
                case DEFAULT_PROFILE -> c.profile().map(p -> p + " (default)").orElse("all syscalls (default)");
                case UNPROFILED_IGNORED -> "no profile (left out)";
                case INIT_IGNORED -> "left out (runs to completion)";
            };
            parts.add((c.initContainer() ? "init:" : "") + c.containerName() + "=" + what);
        }
        return String.join(", ", parts);
    }

    private static String containersWith(PodSyscalls result, ProfileOrigin origin) {
        return result.containers().stream()
                .filter(c -> c.origin() == origin)
                .map(ContainerSyscalls::containerName)
                .toList()
                .toString();
    }
}
