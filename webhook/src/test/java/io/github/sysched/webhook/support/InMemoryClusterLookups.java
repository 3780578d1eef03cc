package io.github.sysched.webhook.support;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.github.sysched.profile.PolicyMemo;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.ProfileBindingV1Alpha1;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SeccompProfileV1Beta1;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.testsupport.TestNamespaces;
import io.github.sysched.testsupport.TestResources;
import io.github.sysched.webhook.cache.ClusterLookups;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** A {@link ClusterLookups} held in maps, for unit tests of mutators and validators (no API server, no Spring). */
public final class InMemoryClusterLookups implements ClusterLookups {

    private final SpoScope scope;
    private final Map<ProfileKey, SeccompProfile> profiles = new HashMap<>();
    private final List<ProfileBinding> bindings = new ArrayList<>();
    private final Map<String, Namespace> namespaces = new HashMap<>();
    private final PolicyMemo policies = new PolicyMemo();
    private final List<String> zoneOfNode = new ArrayList<>();
    private String problem = "";

    public InMemoryClusterLookups(SpoScope scope) {
        this.scope = scope;
    }

    /**
     * What {@link MockKube} holds (namespaced SPO): namespace {@code default} opted in, with the demo's nginx and
     * full-seccomp profiles and the nginx binding.
     */
    public static InMemoryClusterLookups demo() {
        return new InMemoryClusterLookups(SpoScope.NAMESPACED)
                .namespace("default", true)
                .profile(TestResources.read("/sysched-examples/full.profile.yaml", SeccompProfileV1Beta1.class))
                .profile(TestResources.read("/sysched-examples/nginx.profile.yaml", SeccompProfileV1Beta1.class))
                .binding(TestResources.read("/sysched-examples/nginx.binding.yaml", ProfileBindingV1Alpha1.class));
    }

    public InMemoryClusterLookups profile(SeccompProfile profile) {
        profiles.put(SpoProfiles.keyOf(profile, scope), profile);
        return this;
    }

    public InMemoryClusterLookups binding(ProfileBinding binding) {
        bindings.add(binding);
        return this;
    }

    /** A namespace, with the opt-in label when {@code optedIn}. */
    public InMemoryClusterLookups namespace(String name, boolean optedIn) {
        NamespaceBuilder builder = new NamespaceBuilder(TestNamespaces.named(name));
        if (optedIn) {
            builder.editMetadata().addToLabels(MockKube.OPT_IN_LABEL, "true").endMetadata();
        }
        namespaces.put(name, builder.build());
        return this;
    }

    /** A Node in {@code zone} (null: a node without the zone label). */
    public InMemoryClusterLookups node(String zone) {
        zoneOfNode.add(zone);
        return this;
    }

    /** A namespace with these labels (and the opt-in label when {@code optedIn}). */
    public InMemoryClusterLookups namespace(String name, boolean optedIn, Map<String, String> labels) {
        namespace(name, optedIn);
        namespaces.get(name).getMetadata().getLabels().putAll(labels);
        return this;
    }

    /** Not synced, for {@code problem}. */
    public InMemoryClusterLookups unsynced(String problem) {
        this.problem = problem;
        return this;
    }

    @Override
    public boolean synced() {
        return problem.isEmpty();
    }

    @Override
    public String problem() {
        return problem;
    }

    @Override
    public SpoScope scope() {
        return scope;
    }

    @Override
    public Optional<SeccompProfile> profile(ProfileKey key) {
        return Optional.ofNullable(profiles.get(key));
    }

    @Override
    public ProfileLookup profileLookup() {
        return policies.lookup(profiles::get);
    }

    @Override
    public List<ProfileBinding> bindings(String namespace) {
        return bindings.stream()
                .filter(b -> Objects.equals(b.getMetadata().getNamespace(), namespace))
                .toList();
    }

    @Override
    public Optional<Namespace> namespace(String name) {
        return Optional.ofNullable(namespaces.get(name));
    }

    @Override
    public Set<String> nodeZones() {
        return zoneOfNode.stream().filter(Objects::nonNull).collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public boolean everyNodeHasZone() {
        return zoneOfNode.stream().allMatch(Objects::nonNull);
    }
}
