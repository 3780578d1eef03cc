package io.github.sysched.webhook.mutation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.zjsonpatch.JsonPatch;
import io.github.sysched.annotation.PlacementAnnotations;
import io.github.sysched.annotation.SyscallAnnotation;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.webhook.admission.AdmissionVerdict;
import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.ipp.IppMutator;
import io.github.sysched.webhook.support.InMemoryClusterLookups;
import io.github.sysched.webhook.support.Reviews;
import io.github.sysched.webhook.support.SpoObjects;
import io.github.sysched.webhook.support.TestProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.core.annotation.AnnotationAwareOrderComparator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The pod mutators as {@code /mutate} runs them (order, typed pod, diff), against an in-memory cluster view:
 * no API server, no Spring context. Every patch is applied to the object as sent, as the API server does.
 */
class PodMutationsTest {

    private static final String RS_UID = "2c9d1c7a-1f0e-4b8e-9d55-3a1f6c3e9b10";

    private final InMemoryClusterLookups cluster = InMemoryClusterLookups.demo();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private PodMutations mutations(String... settings) {
        WebhookProperties properties = TestProperties.webhook(settings);
        NamespacePolicy namespaces = new NamespacePolicy(cluster, properties);
        OwnedAnnotations owned = new OwnedAnnotations(namespaces);
        List<PodMutator> mutators = new ArrayList<>(List.of(
                new IppMutator(properties, namespaces),
                new SandboxMutator(properties),
                new ProfileMutator(cluster, namespaces, properties, Reviews.JSON, registry),
                new ReplicaSpreadMutator(cluster, namespaces, properties),
                owned));
        AnnotationAwareOrderComparator.sort(mutators); // as Spring orders the beans it injects
        return new PodMutations(mutators, owned, Reviews.JSON);
    }

    private record Admitted(AdmissionVerdict verdict, JsonNode patch, JsonNode pod) {

        JsonNode annotation(String key) {
            return pod.path("metadata").path("annotations").path(key);
        }

        List<String> operations() {
            List<String> operations = new ArrayList<>();
            patch.forEach(op -> operations.add(
                    op.path("op").asString() + " " + op.path("path").asString()));
            return operations;
        }
    }

    /** Runs the mutators and applies their patch to the object as sent. */
    private static Admitted admit(PodMutations mutations, JsonNode review) {
        AdmissionVerdict verdict = mutations.handle(Reviews.context(review));
        JsonNode patch = verdict.patch() == null ? Reviews.JSON.createArrayNode() : verdict.patch();
        return new Admitted(verdict, patch, JsonPatch.apply(patch, review.at("/request/object")));
    }

    private static ObjectNode pod(String namespace, String image) {
        return Reviews.pod("web-", namespace, image);
    }

    private static ObjectNode withAnnotations(ObjectNode pod, String... keysAndValues) {
        ObjectNode annotations = ((ObjectNode) pod.path("metadata")).putObject("annotations");
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            annotations.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return pod;
    }

    private static ObjectNode labelled(ObjectNode pod, String key, String value) {
        ((ObjectNode) pod.path("metadata").path("labels")).put(key, value);
        return pod;
    }

    @Test
    void aBoundPodGetsItsSyscallSetAndThePatchAddsTheWholeAnnotationsMap() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");

        Admitted admitted = admit(mutations(), review);

        assertThat(admitted.operations())
                .containsExactly("add /metadata/annotations", "add /spec/topologySpreadConstraints");
        assertThat(admitted.patch().get(0).path("value").propertyNames())
                .containsExactlyInAnyOrder(
                        PlacementAnnotations.SYSCALLS,
                        PlacementAnnotations.PROFILES,
                        PlacementAnnotations.REPLICA_SPREAD);
        assertThat(SyscallAnnotation.decode(admitted.annotation(PlacementAnnotations.SYSCALLS)
                                .asString())
                        .syscalls()
                        .cardinality())
                .isEqualTo(98);
        assertThat(admitted.annotation(PlacementAnnotations.PROFILES).asString())
                .isEqualTo("nginx1=default/nginx-seccomp (binding default/nginx-binding)");
        ObjectNode spec = ((ObjectNode) admitted.pod().path("spec")).deepCopy();
        spec.remove("topologySpreadConstraints");
        assertThat(spec)
                .as("annotate mode leaves the spec alone but for the replica-spread guard")
                .isEqualTo(review.at("/request/object/spec"));
        assertThat(registry.get("sysched.resolutions")
                        .tag("outcome", "BINDING")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void clientValuesOfOurAnnotationsAreReplacedOrRemovedAndOtherKeysAreEscaped() {
        ObjectNode review = Reviews.podCreate(
                "default",
                withAnnotations(
                        pod("default", "nginx:1.16"),
                        "example.com/a~b",
                        "kept",
                        PlacementAnnotations.SYSCALLS,
                        "v1;;;",
                        PlacementAnnotations.IPP_CLASS,
                        "victim"));

        Admitted admitted = admit(mutations(), review);

        assertThat(admitted.operations())
                .containsExactlyInAnyOrder(
                        "replace /metadata/annotations/exs.sysched.io~1syscalls",
                        "add /metadata/annotations/exs.sysched.io~1profiles",
                        "remove /metadata/annotations/exs.sysched.io~1ipp-class");
        assertThat(admitted.annotation("example.com/a~b").asString()).isEqualTo("kept");
        assertThat(SyscallAnnotation.decode(admitted.annotation(PlacementAnnotations.SYSCALLS)
                                .asString())
                        .syscalls()
                        .cardinality())
                .isEqualTo(98);
    }

    @Test
    void aLabelKeyWithSlashAndTildeIsEscapedInThePatchPath() {
        PodMutations mutations = mutations(
                "ipp.mode",
                "fast",
                "ipp.class-label",
                "example.com/ipp~class",
                "sandbox.enabled",
                "true",
                "sandbox.ipp-class",
                "untrusted");

        Admitted admitted = admit(mutations, Reviews.podCreate("default", pod("default", "busybox:1.36")));

        assertThat(admitted.operations()).contains("add /metadata/labels/example.com~1ipp~0class");
        assertThat(admitted.pod()
                        .path("metadata")
                        .path("labels")
                        .path("example.com/ipp~class")
                        .asString())
                .isEqualTo("untrusted");
    }

    @Test
    void aNamespaceThatDidNotOptInOnlyLosesClientValuesAndIsOtherwiseUntouched() {
        cluster.namespace("plain", false);

        Admitted clean = admit(mutations(), Reviews.podCreate("plain", pod("plain", "nginx:1.16")));
        Admitted forged = admit(
                mutations(),
                Reviews.podCreate(
                        "plain", withAnnotations(pod("plain", "nginx:1.16"), PlacementAnnotations.SYSCALLS, "v1;;;")));

        assertThat(clean.verdict().patch()).isNull();
        assertThat(clean.verdict().warnings()).isEmpty();
        assertThat(forged.operations()).containsExactly("remove /metadata/annotations");
        assertThat(forged.pod().path("metadata").has("annotations")).isFalse();
    }

    @Test
    void exemptNamespacesAndOtherRequestsAreLeftAlone() {
        ObjectNode system = withAnnotations(pod("kube-system", "nginx:1.16"), PlacementAnnotations.SYSCALLS, "v1;;;");
        ObjectNode update =
                Reviews.podUpdate("default", pod("default", "nginx:1.16"), pod("default", "nginx:1.16"), "alice");

        assertThat(admit(mutations(), Reviews.podCreate("kube-system", system))
                        .verdict()
                        .patch())
                .isNull();
        assertThat(admit(mutations(), update).verdict().patch()).isNull();
    }

    @Test
    void enforceModeSetsTheBoundProfileOnTheContainerAsSpoWould() {
        Admitted admitted =
                admit(mutations("mode", "enforce"), Reviews.fixture("/admission/pod-create-nginx-generatename.json"));

        assertThat(admitted.operations()).contains("add /spec/containers/0/securityContext");
        JsonNode seccomp = admitted.pod().at("/spec/containers/0/securityContext/seccompProfile");
        assertThat(seccomp.path("type").asString()).isEqualTo("Localhost");
        assertThat(seccomp.path("localhostProfile").asString()).isEqualTo("operator/default/nginx-seccomp.json");
    }

    @Test
    void enforceModeSetsAWildcardBindingAtPodLevelNextToWhatIsThere() {
        cluster.namespace("wild", true)
                .profile(SpoObjects.profile("wild", "everyone", null, "read", "write"))
                .binding(SpoObjects.binding("wild", "all", "*", "everyone"));
        ObjectNode pod = pod("wild", "whatever:1");
        pod.withObject("/spec").putObject("securityContext").put("runAsNonRoot", true);

        Admitted admitted = admit(mutations("mode", "enforce"), Reviews.podCreate("wild", pod));

        assertThat(admitted.operations()).contains("add /spec/securityContext/seccompProfile");
        assertThat(admitted.pod().at("/spec/securityContext/runAsNonRoot").asBoolean())
                .isTrue();
        assertThat(admitted.pod()
                        .at("/spec/securityContext/seccompProfile/localhostProfile")
                        .asString())
                .isEqualTo("operator/wild/everyone.json");
        assertThat(admitted.pod().at("/spec/containers/0/securityContext").isMissingNode())
                .isTrue();
        assertThat(SyscallAnnotation.decode(admitted.annotation(PlacementAnnotations.SYSCALLS)
                                .asString())
                        .syscalls())
                .isEqualTo(SyscallSet.of("read", "write"));
    }

    @Test
    void ippCompatAppendsToExistingTolerationsAndToEveryNodeSelectorTerm() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        ObjectNode object = (ObjectNode) review.at("/request/object");
        labelled(object, "ipp-class", "gold");
        object.withObject("/spec").set("affinity", Reviews.json("""
                {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                   {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]},
                   {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}]}}}
                """));

        Admitted admitted = admit(mutations("ipp.mode", "compat", "ipp.one-per-node-for-replicasets", "true"), review);

        String terms = "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms";
        assertThat(admitted.operations())
                .contains(
                        "add /spec/tolerations/2",
                        "add " + terms + "/0/matchExpressions/1",
                        "add " + terms + "/1/matchExpressions",
                        "add /spec/affinity/podAntiAffinity",
                        "add /metadata/labels/ipp-rs-uid");
        assertThat(admitted.pod().at("/spec/tolerations/2"))
                .isEqualTo(Reviews.json(
                        "{\"key\":\"ipp\",\"operator\":\"Equal\",\"value\":\"true\",\"effect\":\"NoSchedule\"}"));
        assertThat(admitted.pod().at(terms + "/1/matchFields")).hasSize(1);
        ArrayNode anti = (ArrayNode)
                admitted.pod().at("/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution");
        assertThat(anti).hasSize(2);
        assertThat(anti.get(0).path("namespaceSelector")).as("every namespace").isEqualTo(Reviews.json("{}"));
        assertThat(anti.get(1).at("/labelSelector/matchExpressions/0/values/0").asString())
                .isEqualTo(RS_UID);
        assertThat(admitted.annotation(PlacementAnnotations.IPP_CLASS).isMissingNode())
                .isTrue();
    }

    @Test
    void ippLeavesDaemonSetPodsAloneAndDeniesAnInvalidClassWithoutPatch() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        ObjectNode object = (ObjectNode) review.at("/request/object");
        labelled(object, "ipp-class", "gold");
        ((ObjectNode) object.at("/metadata/ownerReferences/0")).put("kind", "DaemonSet");

        assertThat(admit(mutations("ipp.mode", "compat"), review).operations())
                .containsExactly("add /metadata/annotations");

        Admitted invalid = admit(
                mutations("ipp.mode", "compat"),
                Reviews.podCreate("default", labelled(pod("default", "nginx:1.16"), "ipp-class", "-not valid-")));
        assertThat(invalid.verdict().denial().code()).isEqualTo(403);
        assertThat(invalid.verdict().denial().message()).contains("not a valid label value");
        assertThat(invalid.verdict().patch()).isNull();
    }

    @Test
    void fastModeStampsTheClassAndTheSandboxGivesUnconfinedPodsTheirs() {
        PodMutations mutations = mutations(
                "ipp.mode",
                "fast",
                "sandbox.enabled",
                "true",
                "sandbox.ipp-class",
                "untrusted",
                "sandbox.runtime-class-name",
                "gvisor");

        Admitted gold = admit(
                mutations, Reviews.podCreate("default", labelled(pod("default", "nginx:1.16"), "ipp-class", "gold")));
        Admitted unconfined = admit(mutations, Reviews.podCreate("default", pod("default", "busybox:1.36")));

        assertThat(gold.annotation(PlacementAnnotations.IPP_CLASS).asString()).isEqualTo("gold");
        assertThat(gold.pod().at("/spec/affinity/podAntiAffinity").isMissingNode())
                .isTrue();
        assertThat(gold.pod().at("/spec/runtimeClassName").isMissingNode())
                .as("confined by its binding")
                .isTrue();
        assertThat(unconfined.pod().at("/metadata/labels/ipp-class").asString()).isEqualTo("untrusted");
        assertThat(unconfined.annotation(PlacementAnnotations.IPP_CLASS).asString())
                .isEqualTo("untrusted");
        assertThat(unconfined.pod().at("/spec/runtimeClassName").asString()).isEqualTo("gvisor");
        assertThat(unconfined.verdict().warnings())
                .anyMatch(w -> w.contains("gvisor"))
                .anyMatch(w -> w.contains("default profile"));
    }

    @Test
    void aContainerLeftOutAsUnprofiledCountsAsUnconfinedForTheSandbox() {
        PodMutations mutations = mutations(
                "containers.unprofiled", "ignore", "sandbox.enabled", "true", "sandbox.runtime-class-name", "gvisor");

        Admitted admitted = admit(mutations, Reviews.podCreate("default", pod("default", "nginx:1.16")));
        Admitted sidecar =
                admit(mutations, Reviews.podCreate("default", Reviews.pod("web-", "default", "nginx:1.16", "envoy:1")));

        assertThat(admitted.pod().at("/spec/runtimeClassName").isMissingNode())
                .as("confined by its binding")
                .isTrue();
        assertThat(sidecar.pod().at("/spec/runtimeClassName").asString()).isEqualTo("gvisor");
        assertThat(sidecar.annotation(PlacementAnnotations.PROFILES).asString()).endsWith("c1=no profile (left out)");
        assertThat(sidecar.verdict().warnings()).anyMatch(w -> w.contains("left out of its syscall set"));
    }

    private static ObjectNode oversized(String namespace) {
        ObjectNode pod = withAnnotations(pod(namespace, "nginx:1.16"), PlacementAnnotations.SYSCALLS, "v1;;;");
        labelled(pod, "ipp-class", "gold");
        ArrayNode containers = (ArrayNode) pod.path("spec").path("containers");
        for (int i = 1; i <= PodMutations.MAX_CONTAINERS; i++) {
            containers.addObject().put("name", "c" + i).put("image", "nginx:1.16");
        }
        // a typed decode would fail on this: the pod is never decoded
        ((ObjectNode) containers.get(1)).put("ports", "not a list");
        return Reviews.podCreate(namespace, pod);
    }

    @Test
    void aPodOverTheContainerLimitIsNotDecodedAndOnlyLosesClientValues() {
        Admitted admitted = admit(mutations("ipp.mode", "fast"), oversized("default"));

        assertThat(admitted.operations()).containsExactly("remove /metadata/annotations/exs.sysched.io~1syscalls");
        assertThat(admitted.verdict().warnings())
                .singleElement()
                .asString()
                .contains("not computed")
                .contains("more than " + PodMutations.MAX_CONTAINERS);
        assertThat(registry.get("sysched.resolutions")
                        .tag("outcome", "unresolved")
                        .counter()
                        .count())
                .isEqualTo(1);
    }

    @Test
    void outsideTheOptedInNamespacesAnOversizedPodLosesClientValuesWithoutWarning() {
        cluster.namespace("plain", false);

        Admitted admitted = admit(mutations(), oversized("plain"));

        assertThat(admitted.operations()).containsExactly("remove /metadata/annotations/exs.sysched.io~1syscalls");
        assertThat(admitted.verdict().warnings()).isEmpty();
        assertThat(registry.find("sysched.resolutions").counters()).isEmpty();
    }

    @Test
    void anUnresolvableProfileIsAWarningAndTheClientValuesStillGo() {
        ObjectNode pod = withAnnotations(pod("default", "custom:1"), PlacementAnnotations.SYSCALLS, "v1;;;");
        ((ObjectNode) pod.at("/spec/containers/0"))
                .putObject("securityContext")
                .putObject("seccompProfile")
                .put("type", "Localhost")
                .put("localhostProfile", "operator/default/not-installed.json");

        Admitted admitted = admit(mutations(), Reviews.podCreate("default", pod));

        assertThat(admitted.verdict().warnings()).anyMatch(w -> w.contains("not-installed"));
        assertThat(admitted.operations()).containsExactly("remove /metadata/annotations");
    }

    @Test
    void aDryRunIsMutatedButNotCounted() {
        ObjectNode review = Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        ((ObjectNode) review.path("request")).put("dryRun", true);

        Admitted admitted = admit(mutations(), review);

        assertThat(admitted.annotation(PlacementAnnotations.SYSCALLS).isString())
                .isTrue();
        assertThat(registry.find("sysched.resolutions").counters()).isEmpty();
    }

    @Test
    void aClusterThatHasNotSyncedIsAnInternalError() {
        cluster.unsynced("informers not synced yet");

        assertThatThrownBy(() -> admit(mutations(), Reviews.fixture("/admission/pod-create-nginx-generatename.json")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("informers not synced yet");
    }

    /** Found by AdmissionPipelineFuzzTest: a nameless container made the resolver throw, and the pod was admitted
     * unchanged through the internal-error path. */
    @Test
    void aPodTheApiServerWouldRefuseIsDeniedWithTheReasonAndNoPatch() {
        ObjectNode nameless = pod("default", "nginx:1.16");
        ((ObjectNode) nameless.path("spec").path("containers").get(0)).remove("name");
        ObjectNode noObject = Reviews.podCreate("default", pod("default", "nginx:1.16"));
        ((ObjectNode) noObject.path("request")).putNull("object");

        AdmissionVerdict unnamed = mutations().handle(Reviews.context(Reviews.podCreate("default", nameless)));
        AdmissionVerdict missing = mutations().handle(Reviews.context(noObject));

        assertThat(unnamed.denial().code()).isEqualTo(400);
        assertThat(unnamed.denial().message()).contains("spec.containers[0].name is missing");
        assertThat(unnamed.patch()).isNull();
        assertThat(missing.denial().message()).contains("the request has no object");
    }

    /** The replica-spread guard ({@link ReplicaSpreadMutator}) in the pipeline. */
    @Nested
    class ReplicaSpread {

        private static final String HOSTNAME = "kubernetes.io/hostname";
        private static final String ZONE = "topology.kubernetes.io/zone";

        private ObjectNode replicaSetPod() {
            return Reviews.fixture("/admission/pod-create-nginx-generatename.json");
        }

        private static ObjectNode object(ObjectNode review) {
            return (ObjectNode) review.at("/request/object");
        }

        private static JsonNode constraint(String key, int maxSkew, String matchLabels) {
            return Reviews.json("{\"maxSkew\":" + maxSkew + ",\"topologyKey\":\"" + key + "\",\"whenUnsatisfiable\":"
                    + "\"DoNotSchedule\",\"labelSelector\":{\"matchLabels\":" + matchLabels + "},"
                    + "\"nodeTaintsPolicy\":\"Honor\"}");
        }

        private static final String NGINX1 = "{\"app\":\"nginx1\",\"pod-template-hash\":\"7f8d9c6b5d\"}";

        @Test
        void aReplicaSetPodGetsAHostnameConstraintOnItsReplicaSetsLabelsAndTheAnnotationSaysSo() {
            Admitted admitted = admit(mutations(), replicaSetPod());

            assertThat(admitted.pod().at("/spec/topologySpreadConstraints"))
                    .containsExactly(constraint(HOSTNAME, 1, NGINX1));
            assertThat(admitted.annotation(PlacementAnnotations.REPLICA_SPREAD).asString())
                    .isEqualTo(HOSTNAME);
            assertThat(admitted.verdict().warnings()).noneMatch(w -> w.contains("replica"));
        }

        @Test
        void zonesAutoAddsTheZoneConstraintOnlyWhileEveryNodeIsInOneOfAtLeastTwoZones() {
            cluster.node("zone-a").node("zone-a");
            assertThat(admit(mutations(), replicaSetPod())
                            .annotation(PlacementAnnotations.REPLICA_SPREAD)
                            .asString())
                    .as("one zone")
                    .isEqualTo(HOSTNAME);

            cluster.node("zone-b");
            Admitted zoned = admit(mutations("replica-spread.max-skew", "2"), replicaSetPod());
            assertThat(zoned.pod().at("/spec/topologySpreadConstraints"))
                    .containsExactly(constraint(HOSTNAME, 2, NGINX1), constraint(ZONE, 2, NGINX1));
            assertThat(zoned.annotation(PlacementAnnotations.REPLICA_SPREAD).asString())
                    .isEqualTo(HOSTNAME + "," + ZONE);
            assertThat(admit(mutations("replica-spread.zones", "off"), replicaSetPod())
                            .annotation(PlacementAnnotations.REPLICA_SPREAD)
                            .asString())
                    .isEqualTo(HOSTNAME);

            cluster.node(null);
            assertThat(admit(mutations(), replicaSetPod())
                            .annotation(PlacementAnnotations.REPLICA_SPREAD)
                            .asString())
                    .as("a node without a zone would fail a DoNotSchedule zone constraint")
                    .isEqualTo(HOSTNAME);
        }

        @Test
        void zonesOnAddsTheZoneConstraintWhateverTheNodes() {
            Admitted admitted = admit(mutations("replica-spread.zones", "on"), replicaSetPod());

            assertThat(admitted.pod().at("/spec/topologySpreadConstraints"))
                    .containsExactly(constraint(HOSTNAME, 1, NGINX1), constraint(ZONE, 1, NGINX1));
        }

        @Test
        void aStatefulSetPodIsSelectedWithoutItsPerPodAndRevisionLabels() {
            ObjectNode review = replicaSetPod();
            ((ObjectNode) object(review).at("/metadata/ownerReferences/0"))
                    .put("kind", "StatefulSet")
                    .put("name", "db");
            ObjectNode labels = (ObjectNode) object(review).at("/metadata/labels");
            labels.removeAll()
                    .put("app", "db")
                    .put("controller-revision-hash", "db-6f5")
                    .put("statefulset.kubernetes.io/pod-name", "db-0")
                    .put("apps.kubernetes.io/pod-index", "0");

            Admitted admitted = admit(mutations(), review);

            assertThat(admitted.pod().at("/spec/topologySpreadConstraints"))
                    .containsExactly(constraint(HOSTNAME, 1, "{\"app\":\"db\"}"));
        }

        @Test
        void podsWithTheirOwnSpreadingRulesKeepExactlyThem() {
            ObjectNode constrained = replicaSetPod();
            object(constrained)
                    .withObject("/spec")
                    .putArray("topologySpreadConstraints")
                    .add(Reviews.json(
                            "{\"maxSkew\":3,\"topologyKey\":\"" + ZONE + "\",\"whenUnsatisfiable\":\"ScheduleAnyway\","
                                    + "\"labelSelector\":{\"matchLabels\":{\"app\":\"nginx1\"}}}"));
            ObjectNode antiAffine = replicaSetPod();
            object(antiAffine).withObject("/spec").set("affinity", Reviews.json("""
                    {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10,
                       "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                           "labelSelector": {"matchLabels": {"app": "nginx1"}}}}]}}
                    """));

            for (ObjectNode review : List.of(constrained, antiAffine)) {
                JsonNode sentSpec = object(review).path("spec").deepCopy();
                Admitted admitted = admit(mutations(), review);
                assertThat(admitted.pod().path("spec")).isEqualTo(sentSpec);
                assertThat(admitted.annotation(PlacementAnnotations.REPLICA_SPREAD)
                                .isMissingNode())
                        .isTrue();
            }
        }

        @Test
        void ippCompatsAntiAffinityIsOursAndDoesNotStopTheGuard() {
            ObjectNode review = replicaSetPod();
            labelled(object(review), "ipp-class", "gold");

            Admitted admitted = admit(mutations("ipp.mode", "compat"), review);

            assertThat(admitted.pod().at("/spec/affinity/podAntiAffinity").isObject())
                    .isTrue();
            assertThat(admitted.pod().at("/spec/topologySpreadConstraints")).hasSize(1);
        }

        @Test
        void theOptOutLabelOnThePodOrItsNamespaceAndOtherControllersAreLeftAlone() {
            ObjectNode optedOut = replicaSetPod();
            labelled(object(optedOut), "exs.sysched.io/replica-spread", "off");
            cluster.namespace("batch", true, Map.of("exs.sysched.io/replica-spread", "off"));
            ObjectNode inBatch = replicaSetPod();
            ((ObjectNode) inBatch.path("request")).put("namespace", "batch");
            object(inBatch).withObject("/metadata").put("namespace", "batch");
            ObjectNode daemon = replicaSetPod();
            ((ObjectNode) object(daemon).at("/metadata/ownerReferences/0")).put("kind", "DaemonSet");
            ObjectNode bare = Reviews.podCreate("default", pod("default", "nginx:1.16"));

            for (ObjectNode review : List.of(optedOut, inBatch, daemon, bare)) {
                Admitted admitted = admit(mutations(), review);
                assertThat(admitted.pod().at("/spec/topologySpreadConstraints").isMissingNode())
                        .isTrue();
                assertThat(admitted.annotation(PlacementAnnotations.REPLICA_SPREAD)
                                .isMissingNode())
                        .isTrue();
            }
            ObjectNode otherLabel = replicaSetPod();
            labelled(object(otherLabel), "example.com/spread", "off");
            assertThat(admit(mutations("replica-spread.opt-out-label", "example.com/spread"), otherLabel)
                            .pod()
                            .at("/spec/topologySpreadConstraints")
                            .isMissingNode())
                    .isTrue();
            assertThat(admit(mutations("replica-spread.opt-out-label", "example.com/spread"), optedOut)
                            .pod()
                            .at("/spec/topologySpreadConstraints")
                            .isArray())
                    .as("the default label no longer counts")
                    .isTrue();
        }

        @Test
        void namespacesTheWebhookDoesNotMutateAndADisabledGuardInjectNothing() {
            cluster.namespace("plain", false);
            ObjectNode plain = replicaSetPod();
            ((ObjectNode) plain.path("request")).put("namespace", "plain");
            object(plain).withObject("/metadata").put("namespace", "plain");

            assertThat(admit(mutations(), plain).verdict().patch()).isNull();
            assertThat(admit(mutations("replica-spread.enabled", "false"), replicaSetPod())
                            .operations())
                    .containsExactly("add /metadata/annotations");
        }

        @Test
        void schedulerNamesLimitTheGuardToThePodsOfThoseSchedulers() {
            PodMutations mutations = mutations("replica-spread.scheduler-names", "sysched-scheduler");
            ObjectNode ours = replicaSetPod();
            object(ours).withObject("/spec").put("schedulerName", "sysched-scheduler");

            assertThat(admit(mutations, ours).pod().at("/spec/topologySpreadConstraints"))
                    .hasSize(1);
            assertThat(admit(mutations, replicaSetPod())
                            .pod()
                            .at("/spec/topologySpreadConstraints")
                            .isMissingNode())
                    .as("no schedulerName is the default scheduler's")
                    .isTrue();
        }

        @Test
        void aReinvocationRecognizesWhatTheFirstInjectedAndChangesNothing() {
            cluster.node("zone-a").node("zone-b");
            Admitted first = admit(mutations(), replicaSetPod());
            ObjectNode again = replicaSetPod();
            ((ObjectNode) again.path("request")).set("object", first.pod());

            Admitted second = admit(mutations(), again);

            assertThat(second.verdict().patch()).as("no change").isNull();
            assertThat(second.pod()).isEqualTo(first.pod());
            assertThat(second.annotation(PlacementAnnotations.REPLICA_SPREAD).asString())
                    .isEqualTo(HOSTNAME + "," + ZONE);
        }

        @Test
        void aClientCannotClaimItsOwnConstraintsWereInjected() {
            ObjectNode review = replicaSetPod();
            withAnnotations(object(review), PlacementAnnotations.REPLICA_SPREAD, HOSTNAME);
            object(review)
                    .withObject("/spec")
                    .putArray("topologySpreadConstraints")
                    .add(Reviews.json("{\"maxSkew\":5,\"topologyKey\":\"" + HOSTNAME
                            + "\",\"whenUnsatisfiable\":\"ScheduleAnyway\"," + "\"labelSelector\":{\"matchLabels\":"
                            + NGINX1 + "}}"));

            Admitted admitted = admit(mutations(), review);

            assertThat(admitted.annotation(PlacementAnnotations.REPLICA_SPREAD).isMissingNode())
                    .isTrue();
            assertThat(admitted.pod()
                            .at("/spec/topologySpreadConstraints/0/maxSkew")
                            .asInt())
                    .isEqualTo(5);
        }

        @Test
        void aReplicaWithoutLabelsIsWarnedAboutAndLeftUnconstrained() {
            ObjectNode review = replicaSetPod();
            ((ObjectNode) object(review).path("metadata")).remove("labels");

            Admitted admitted = admit(mutations(), review);

            assertThat(admitted.pod().at("/spec/topologySpreadConstraints").isMissingNode())
                    .isTrue();
            assertThat(admitted.verdict().warnings()).anyMatch(w -> w.contains("no labels to select its replicas by"));
        }
    }
}
