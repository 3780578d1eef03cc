package io.github.sysched.scheduler.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.github.sysched.pod.ScoringPod;
import io.github.sysched.scheduler.Harness;
import io.github.sysched.syscall.SyscallSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InFlightPodsTest {

    private final AtomicInteger resolutions = new AtomicInteger();
    private final AtomicLong clock = new AtomicLong(1);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private InFlightPods registry(Duration wait) {
        return new InFlightPods(
                pod -> {
                    resolutions.incrementAndGet();
                    return new InFlightPods.Resolved(
                            SyscallSet.of("read"), false, pod.labels().get("ipp-class"));
                },
                wait,
                Duration.ofSeconds(30),
                clock::get,
                registry);
    }

    private static ScoringPod pod(String name, String ippClass) {
        return ScoringPod.of(Harness.pod(
                name, SyscallSet.of("read"), ippClass == null ? Map.of() : Map.of("ipp-class", ippClass), Map.of()));
    }

    @Test
    void aRequestWaitsForAnEarlierPodUntilItsDecisionIsKnown() throws Exception {
        InFlightPods inFlight = registry(Duration.ofSeconds(10));
        InFlightPods.Attempt first = inFlight.beginAtFilter(pod("a", "tenant-a"));
        first.candidates(List.of("n1", "n2"));
        InFlightPods.Attempt second = inFlight.beginAtFilter(pod("b", "tenant-b"));

        CompletableFuture<List<InFlightPods.Attempt>> waiting = CompletableFuture.supplyAsync(
                () -> inFlight.awaitEarlier(second, List.of("n1"), other -> true, "filter"));
        Thread.sleep(50);
        assertThat(waiting).isNotDone();
        inFlight.settle(first.uid()); // its /bind arrived
        assertThat(waiting.get()).isEmpty();
        assertThat(registry.get("sysched.inflight.waits")
                        .tag("outcome", "decided")
                        .timer()
                        .count())
                .isEqualTo(1);

        // the earlier pod never waits for a later one
        assertThat(inFlight.awaitEarlier(first, List.of("n1"), other -> true, "filter"))
                .isEmpty();
    }

    @Test
    void onlyEarlierPodsThatMayLandOnTheNodesAndMatterAreWaitedFor() {
        InFlightPods inFlight = registry(Duration.ofSeconds(10));
        InFlightPods.Attempt elsewhere = inFlight.beginAtFilter(pod("a", "tenant-a"));
        elsewhere.candidates(List.of("n3"));
        InFlightPods.Attempt sameClass = inFlight.beginAtFilter(pod("b", "tenant-b"));
        sameClass.candidates(List.of("n1"));
        InFlightPods.Attempt mine = inFlight.beginAtFilter(pod("c", "tenant-b"));
        long started = System.nanoTime();
        assertThat(inFlight.awaitEarlier(
                        mine, List.of("n1", "n2"), other -> !"tenant-b".equals(other.ippClass()), "filter"))
                .isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    /** Node names with ids of one space, as the extender's decoded requests carry them. */
    private static final class IdNames extends java.util.AbstractList<String> implements NodeIds {
        private final List<String> names;
        private final int[] ids;
        private final Object space;

        IdNames(Object space, Map<String, Integer> idOf, String... names) {
            this.names = List.of(names);
            this.ids = this.names.stream().mapToInt(idOf::get).toArray();
            this.space = space;
        }

        @Override
        public String get(int index) {
            return names.get(index);
        }

        @Override
        public int size() {
            return names.size();
        }

        @Override
        public Object idSpace() {
            return space;
        }

        @Override
        public int id(int index) {
            return ids[index];
        }
    }

    /**
     * Candidates with ids compare as bitsets; with ids of another space (the name table was emptied in between), or
     * none, they compare by name. A wrong answer either way shows: a pod waited for although its nodes are disjoint
     * (a doubt returned) or not waited for although they meet (none returned).
     */
    @Test
    void candidatesMeetByIdWithinOneSpaceAndByNameAcrossSpaces() {
        Object space = new Object();
        Map<String, Integer> ids = Map.of("n1", 1, "n2", 2, "n3", 3, "n70", 70, "n130", 130);
        // ids of the later space: the same names numbered otherwise (n1 has n3's old id)
        Object later = new Object();
        Map<String, Integer> laterIds = Map.of("n1", 3, "n2", 5, "n3", 1, "n70", 8, "n130", 9);
        InFlightPods inFlight = registry(Duration.ZERO);
        InFlightPods.Attempt earlier = inFlight.beginAtFilter(pod("a", "tenant-a"));
        earlier.candidates(new IdNames(space, ids, "n2", "n130"));

        InFlightPods.Attempt disjoint = inFlight.beginAtFilter(pod("b", "tenant-b"));
        assertThat(inFlight.awaitEarlier(disjoint, new IdNames(space, ids, "n1", "n3", "n70"), o -> true, "filter"))
                .isEmpty();
        assertThat(inFlight.awaitEarlier(disjoint, new IdNames(later, laterIds, "n3"), o -> true, "filter"))
                .as("n3's id in the later space is n1's in the earlier one, yet the names are disjoint")
                .isEmpty();
        assertThat(inFlight.awaitEarlier(disjoint, new IdNames(later, laterIds, "n130"), o -> true, "filter"))
                .containsExactly(earlier);
        disjoint.candidates(new IdNames(space, ids, "n70"));
        InFlightPods.Attempt meets = inFlight.beginAtFilter(pod("c", "tenant-b"));
        assertThat(inFlight.awaitEarlier(meets, new IdNames(space, ids, "n1", "n130"), o -> true, "filter"))
                .containsExactly(earlier);
        assertThat(inFlight.awaitEarlier(meets, List.of("n1", "n130"), o -> true, "filter"))
                .as("names without ids")
                .containsExactly(earlier);
        assertThat(inFlight.awaitEarlier(meets, List.of("n1", "n3"), o -> true, "filter"))
                .isEmpty();
    }

    @Test
    void aDecisionNotKnownInTimeIsADoubtAndIsNotWaitedForAgain() {
        InFlightPods inFlight = registry(Duration.ofMillis(30));
        InFlightPods.Attempt stuck = inFlight.beginAtFilter(pod("a", "tenant-a"));
        stuck.candidates(List.of("n1"));
        InFlightPods.Attempt next = inFlight.beginAtFilter(pod("b", "tenant-b"));
        assertThat(inFlight.awaitEarlier(next, List.of("n1", "n2"), other -> true, "filter"))
                .containsExactly(stuck);
        assertThat(registry.get("sysched.inflight.waits")
                        .tag("outcome", "timeout")
                        .timer()
                        .count())
                .isEqualTo(1);
        next.candidates(List.of("n2"));

        InFlightPods.Attempt third = inFlight.beginAtFilter(pod("c", "tenant-b"));
        assertThat(inFlight.awaitEarlier(third, List.of("n1"), other -> true, "filter"))
                .containsExactly(stuck);
        assertThat(registry.get("sysched.inflight.waits")
                        .tag("outcome", "timeout")
                        .timer()
                        .count())
                .as("an overdue pod is a doubt at once, without another wait")
                .isEqualTo(1);
    }

    /** Prioritize scores without undecided pods, so it waits for the pending ones and never again for a doubt. */
    @Test
    void prioritizeWaitsForAPendingDecisionButNotForAnOverdueOne() throws Exception {
        InFlightPods inFlight = registry(Duration.ofSeconds(10));
        InFlightPods.Attempt pending = inFlight.atPrioritize(pod("a", null));
        pending.candidates(List.of("n1"));
        InFlightPods.Attempt next = inFlight.atPrioritize(pod("b", null));

        CompletableFuture<Void> waiting =
                CompletableFuture.runAsync(() -> inFlight.awaitEarlierDecisions(next, List.of("n1"), "prioritize"));
        Thread.sleep(50);
        assertThat(waiting).as("waits for the pending pod").isNotDone();
        inFlight.settle(pending.uid());
        waiting.get();

        InFlightPods shortWait = registry(Duration.ofMillis(30));
        InFlightPods.Attempt stuck = shortWait.atPrioritize(pod("c", null));
        stuck.candidates(List.of("n1"));
        InFlightPods.Attempt afterStuck = shortWait.atPrioritize(pod("d", null));
        shortWait.awaitEarlierDecisions(afterStuck, List.of("n1"), "prioritize");
        afterStuck.candidates(List.of("n2"));
        shortWait.awaitEarlierDecisions(shortWait.atPrioritize(pod("e", null)), List.of("n1"), "prioritize");
        assertThat(registry.get("sysched.inflight.waits")
                        .tag("verb", "prioritize")
                        .tag("outcome", "timeout")
                        .timer()
                        .count())
                .as("the stuck pod made one request wait, then became a doubt that prioritize skips")
                .isEqualTo(1);
        assertThat(stuck.isSettled()).isFalse();
    }

    @Test
    void theResolutionIsMadeOncePerPodAndReusedByPrioritizeAndRetries() {
        InFlightPods inFlight = registry(Duration.ZERO);
        ScoringPod pod = pod("a", null);
        InFlightPods.Attempt filtered = inFlight.beginAtFilter(pod);
        assertThat(inFlight.atPrioritize(pod)).isSameAs(filtered);
        assertThat(resolutions).hasValue(1);

        // the next scheduling cycle of the same pod: a new attempt, the same resolution
        InFlightPods.Attempt retry = inFlight.atPrioritize(pod);
        assertThat(retry).isNotSameAs(filtered);
        assertThat(filtered.isSettled()).as("the earlier attempt ended").isTrue();
        assertThat(inFlight.attempt(pod.uid())).containsSame(retry);
        assertThat(resolutions).hasValue(1);

        // a changed pod (its class label) is resolved again
        inFlight.beginAtFilter(ScoringPod.of(new PodBuilder(pod.toPod())
                .editMetadata()
                .addToLabels("ipp-class", "tenant-c")
                .endMetadata()
                .build()));
        assertThat(resolutions).hasValue(2);
    }

    @Test
    void undecidedAttemptsExpire() {
        InFlightPods inFlight = registry(Duration.ZERO);
        InFlightPods.Attempt old = inFlight.beginAtFilter(pod("a", "tenant-a"));
        clock.addAndGet(Duration.ofSeconds(31).toNanos());
        inFlight.beginAtFilter(pod("b", "tenant-b"));
        assertThat(old.isSettled()).isTrue();
        assertThat(inFlight.size()).isEqualTo(1);
        assertThat(registry.get("sysched.inflight.pods").gauge().value()).isEqualTo(1);
    }
}
