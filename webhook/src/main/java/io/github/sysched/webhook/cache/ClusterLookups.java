package io.github.sysched.webhook.cache;

import io.fabric8.kubernetes.api.model.Namespace;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.profile.ProfileLookup;
import io.github.sysched.spo.ProfileBinding;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.spo.SpoScope;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the mutators and validators read of the cluster, and nothing else: kube's cluster view in the service
 * ({@link ClusterCache}), a map in their unit tests.
 */
public interface ClusterLookups {

    /** True once every cache has listed its resources: requests can be answered. */
    boolean synced();

    /** Why the view does not follow the cluster right now (empty when it does). */
    String problem();

    /** The SPO scope in force (configured or detected); null until known. */
    SpoScope scope();

    Optional<SeccompProfile> profile(ProfileKey key);

    /** Profile lookup for the resolvers (a profile's errors surface when it is looked up). */
    ProfileLookup profileLookup();

    /** The ProfileBindings of {@code namespace}. */
    List<ProfileBinding> bindings(String namespace);

    Optional<Namespace> namespace(String name);

    /**
     * The distinct {@code topology.kubernetes.io/zone} values on the cluster's Nodes (empty when the view does not
     * watch Nodes, which it does only for the replica-spread guard's {@code zones: auto}).
     */
    Set<String> nodeZones();

    /** True when every Node carries the zone label (a DoNotSchedule zone constraint filters out the others). */
    boolean everyNodeHasZone();
}
