package io.github.sysched.webhook.mutation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
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
import io.github.sysched.webhook.admission.JsonPatchBuilder;
import io.github.sysched.webhook.admission.MutationVerdict;
import io.github.sysched.webhook.admission.Mutator;
import io.github.sysched.webhook.cache.ClusterCache;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.ipp.IppMutator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * Pod CREATE in an opted-in namespace: ProfileBindings → profiles (with base chains) → the pod's syscall set,
 * all from the informer caches and the common resolvers. Stamps {@code exs.sysched.io/syscalls} (codec) and
 * {@code exs.sysched.io/profiles} (human-readable); in {@code enforce} mode also sets the seccompProfile fields
 * SPO's binding webhook would set.
 */
@Component
@Order(100)
public class ProfileMutator implements Mutator {

    /** The {@link PodSyscalls} of the request, for later mutators. */
    public static final String RESULT_ATTRIBUTE = ProfileMutator.class.getName() + ":result";

    /**
     * Pods with more containers (and init containers) are not resolved: a 1.5MB pod can list tens of thousands
     * of containers, and resolving them takes hundreds of MB. Without our annotation the scheduler scores such
     * a pod with its own fallback, so skipping gains a pod author nothing.
     */
    public static final int MAX_CONTAINERS = 1_000;

    private static final Logger log = LoggerFactory.getLogger(ProfileMutator.class);

    private final ClusterCache cache;
    private final NamespacePolicy namespaces;
    private final WebhookProperties properties;
    private final ObjectMapper mapper;
    private final MeterRegistry registry;

    public ProfileMutator(ClusterCache cache, NamespacePolicy namespaces, WebhookProperties properties,
                          ObjectMapper mapper, MeterRegistry registry) {
        this.cache = cache;
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
            SpoScope scope = cache.scope();
            Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withGenerateName("warm-up-")
                    .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("warm-up:0").endContainer()
                    .endSpec().build();
            mapper.treeToValue(mapper.valueToTree(pod), Pod.class);
            BindingPlan plan = bindingResolver(scope).plan(pod, properties.defaultProfile().namespace(), List.of());
            PodSyscalls result = podResolver(scope).resolve(plan.applyTo(pod), plan);
            SyscallAnnotation.decode(new SyscallAnnotation(result.syscalls(), sources(result)).encode());
            describe(result);
        } catch (RuntimeException e) {
            log.warn("warm-up resolution failed (requests will still be served): {}", e.toString());
        }
    }

    private BindingResolver bindingResolver(SpoScope scope) {
        return new BindingResolver(scope, key -> cache.profile(key).isPresent(),
                new BindingPolicy(properties.binding().overrideExisting()));
    }

    private ProfileKey defaultProfile(SpoScope scope) {
        return ProfileKey.inScope(scope, properties.defaultProfile().namespace(), properties.defaultProfile().name());
    }

    private PodSyscallResolver podResolver(SpoScope scope) {
        return PodSyscallResolver.forSpoProfiles(cache.profileLookup(), defaultProfile(scope),
                properties.containers().policy());
    }

    @Override
    public boolean supports(AdmissionContext request) {
        return request.isPod() && request.operation() == AdmissionContext.Operation.CREATE
                && namespaces.resolvesProfiles(request.namespace());
    }

    @Override
    public void mutate(AdmissionContext request, MutationVerdict verdict) {
        SpoScope scope = cache.scope();
        if (scope == null || !cache.synced()) {
            throw new IllegalStateException("informer caches not synced: " + cache.problem());
        }
        int containers = request.object().path("spec").path("containers").size()
                + request.object().path("spec").path("initContainers").size();
        if (containers > MAX_CONTAINERS) {
            count(request, "unresolved");
            verdict.warn("sysched: syscall set of " + request.describe() + " not computed: " + containers
                    + " containers, more than " + MAX_CONTAINERS);
            return;
        }
        Pod pod = request.object(Pod.class);
        String namespace = request.namespace();
        List<Binding> bindings = cache.bindings(namespace).stream().map(Binding::from).toList();
        BindingPlan plan = bindingResolver(scope).plan(pod, namespace, bindings);
        Pod bound = plan.applyTo(pod);
        plan.warnings().forEach(verdict::warn);

        PodSyscalls result;
        try {
            result = podResolver(scope).resolve(bound, plan);
        } catch (ProfileResolutionException e) {
            count(request, "unresolved");
            verdict.warn("sysched: syscall set of " + request.describe() + " not computed: " + e.getMessage());
            log.warn("cannot resolve the syscall set of {}: {}", request.describe(), e.getMessage());
            if (properties.mode() == WebhookProperties.Mode.ENFORCE) {
                enforce(pod, bound, verdict.patch());
            }
            return;
        }
        result.warnings().forEach(verdict::warn);
        if (result.origins().contains(ProfileOrigin.DEFAULT_PROFILE)) {
            verdict.warn("sysched: container(s) " + containersWith(result, ProfileOrigin.DEFAULT_PROFILE)
                    + " of " + request.describe() + " have no seccomp profile; scored with the default profile "
                    + defaultProfile(scope));
        }
        installationNotes(result).forEach(verdict::warn);
        if (result.origins().contains(ProfileOrigin.UNPROFILED_IGNORED)) {
            verdict.warn("sysched: container(s) " + containersWith(result, ProfileOrigin.UNPROFILED_IGNORED)
                    + " of " + request.describe() + " have no seccomp profile and are left out of its syscall set"
                    + " (containers.unprofiled=ignore)");
        }
        request.attribute(RESULT_ATTRIBUTE, result);
        count(request, result.origin().name());

        OwnedAnnotations.put(request, PlacementAnnotations.SYSCALLS,
                new SyscallAnnotation(result.syscalls(), sources(result)).encode());
        OwnedAnnotations.put(request, PlacementAnnotations.PROFILES, describe(result));
        if (properties.mode() == WebhookProperties.Mode.ENFORCE) {
            enforce(pod, bound, verdict.patch());
        }
        applySandbox(request, result, verdict);
    }

    /** Copies the seccompProfile fields the binding plan set into the patch (container and pod level). */
    private void enforce(Pod original, Pod bound, JsonPatchBuilder patch) {
        setIfChanged(patch, JsonPatchBuilder.path("spec", "securityContext", "seccompProfile"),
                original.getSpec().getSecurityContext() == null ? null
                        : original.getSpec().getSecurityContext().getSeccompProfile(),
                bound.getSpec().getSecurityContext() == null ? null
                        : bound.getSpec().getSecurityContext().getSeccompProfile());
        enforceContainers(patch, "containers", original.getSpec().getContainers(), bound.getSpec().getContainers());
        enforceContainers(patch, "initContainers", original.getSpec().getInitContainers(),
                bound.getSpec().getInitContainers());
    }

    private void enforceContainers(JsonPatchBuilder patch, String field, List<Container> original,
                                   List<Container> bound) {
        if (original == null || bound == null) {
            return;
        }
        for (int i = 0; i < original.size() && i < bound.size(); i++) {
            setIfChanged(patch, JsonPatchBuilder.path("spec", field, Integer.toString(i), "securityContext",
                    "seccompProfile"), seccompOf(original.get(i)), seccompOf(bound.get(i)));
        }
    }

    private static SeccompProfile seccompOf(Container container) {
        SecurityContext context = container.getSecurityContext();
        return context == null ? null : context.getSeccompProfile();
    }

    private void setIfChanged(JsonPatchBuilder patch, List<String> path, SeccompProfile before, SeccompProfile after) {
        if (after != null && !Objects.equals(before, after)) {
            patch.set(path, mapper.valueToTree(after));
        }
    }

    /** Optional policy: pods with an unconfined container get a sandbox runtime class and/or an IPP class. */
    private void applySandbox(AdmissionContext request, PodSyscalls result, MutationVerdict verdict) {
        WebhookProperties.Sandbox sandbox = properties.sandbox();
        if (!sandbox.enabled() || !result.origins().contains(ProfileOrigin.DEFAULT_PROFILE)
                && !result.origins().contains(ProfileOrigin.UNPROFILED_IGNORED)) {
            return;
        }
        if (!sandbox.runtimeClassName().isEmpty()
                && !verdict.patch().at(JsonPatchBuilder.path("spec", "runtimeClassName")).isString()) {
            verdict.patch().set(JsonPatchBuilder.path("spec", "runtimeClassName"), sandbox.runtimeClassName());
            verdict.warn("sysched: unconfined pod " + request.describe() + " runs with runtimeClassName "
                    + sandbox.runtimeClassName());
        }
        if (!sandbox.ippClass().isEmpty()) {
            request.attribute(IppMutator.SANDBOX_CLASS_ATTRIBUTE, sandbox.ippClass());
        }
    }

    private void count(AdmissionContext request, String outcome) {
        if (!request.dryRun()) { // dry run: no side effects, not even on the resolution statistics
            Counter.builder("sysched.resolutions").description("Pod syscall-set resolutions by outcome")
                    .tag("outcome", outcome).register(registry).increment();
        }
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
            cache.profile(key).flatMap(SpoProfiles::installationNote)
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
                case BINDING -> c.profile().map(ProfileKey::toString).orElse("?")
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
        return result.containers().stream().filter(c -> c.origin() == origin).map(ContainerSyscalls::containerName)
                .toList().toString();
    }
}
