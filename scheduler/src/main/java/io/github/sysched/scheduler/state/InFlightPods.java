package io.github.sysched.scheduler.state;

import io.github.sysched.pod.ScoringPod;
import io.github.sysched.syscall.SyscallSet;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Pods kube-scheduler is deciding: seen in {@code /filter} or {@code /prioritize}, node not known yet (docs/SCHEDULING.md).
 *
 * <p>kube-scheduler runs one scheduling cycle at a time but binds asynchronously, so the next pod's calls can arrive
 * before the extender learns where the previous pod went (its {@code /bind}, or the informer). Each {@link Attempt}
 * holds what the extender resolved for the pod once (syscall set, isolation class; reused by its filter, prioritize
 * and bind) and the nodes it may land on. A request {@link #awaitEarlier waits}, at most {@code wait}, for the earlier
 * attempts that could change its answer; those still undecided then are returned as doubts, on which the caller
 * answers conservatively, and marked overdue so that later requests do not wait for them again.
 *
 * <p>An attempt ends ({@link #settle}) when the pod is bound through {@code /bind}, counted on a node by the informer,
 * deleted, its filter leaves no node, or a new attempt of the same pod begins; an attempt nothing ends (its
 * scheduling failed after our calls) expires after {@code ttl} (noticed within {@code ttl / 16} more). Keyed by UID. Thread-safe; no lock is held while
 * waiting.
 */
public final class InFlightPods {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(InFlightPods.class);

    /** What the extender resolves for a pod once per attempt. */
    public record Resolved(SyscallSet syscalls, boolean fallback, String ippClass) {}

    /**
     * An attempt's candidate nodes as sent (up to 5,000 names per request). When the names carry ids ({@link NodeIds},
     * the extender's decoded requests) they are also kept as a bitset of the ids, and whether another request's nodes
     * meet them is a few word operations; otherwise they are hashed into a set when another request first asks where
     * the pod may land (most attempts end before anyone asks).
     */
    private static final class Candidates {
        private final List<String> nodes;
        private final NodeSet ids;
        private volatile Set<String> set;

        Candidates(Collection<String> nodes) {
            // a list with ids never changes (NodeIds): kept as it is, without a copy of its thousands of names
            this.nodes = nodes instanceof NodeIds && nodes instanceof List<String> list ? list : List.copyOf(nodes);
            this.ids = NodeSet.of(this.nodes);
        }

        boolean meets(Request request) {
            NodeSet theirs = ids == null ? null : request.ids();
            if (theirs != null && theirs.space == ids.space) {
                return ids.bits.intersects(theirs.bits);
            }
            Set<String> mine = set();
            for (String node : request.nodes) {
                if (mine.contains(node)) {
                    return true;
                }
            }
            return false;
        }

        Set<String> set() {
            Set<String> hashed = set;
            if (hashed == null) {
                hashed = Set.copyOf(nodes);
                set = hashed;
            }
            return hashed;
        }
    }

    /** Node ids of one id space as a bitset. */
    private record NodeSet(Object space, BitSet bits) {

        /** The ids of {@code nodes}, or null when they carry none (or not of one space). */
        static NodeSet of(List<String> nodes) {
            if (!(nodes instanceof NodeIds ids)) {
                return null;
            }
            Object space = ids.idSpace();
            if (space == null) {
                return null;
            }
            BitSet bits = new BitSet();
            for (int i = 0, size = nodes.size(); i < size; i++) {
                bits.set(ids.id(i));
            }
            return new NodeSet(space, bits);
        }
    }

    /** The nodes a request asks about, as ids too once an earlier attempt needs them compared: built once per request. */
    private static final class Request {
        private final List<String> nodes;
        private NodeSet ids;
        private boolean idsBuilt;

        Request(List<String> nodes) {
            this.nodes = nodes;
        }

        NodeSet ids() {
            if (!idsBuilt) {
                ids = NodeSet.of(nodes);
                idsBuilt = true;
            }
            return ids;
        }
    }

    /** One scheduling attempt of one pod, as far as the extender has seen it. */
    public static final class Attempt {
        private final ScoringPod pod;
        private final Resolved resolved;
        private final long sequence;
        private final long startedNanos;
        private final CompletableFuture<Void> settled = new CompletableFuture<>();
        private volatile Candidates candidates;
        private volatile boolean prioritized;
        private volatile boolean overdue;

        private Attempt(ScoringPod pod, Resolved resolved, long sequence, long startedNanos) {
            this.pod = pod;
            this.resolved = resolved;
            this.sequence = sequence;
            this.startedNanos = startedNanos;
        }

        public ScoringPod pod() {
            return pod;
        }

        public String uid() {
            return pod.uid();
        }

        public SyscallSet syscalls() {
            return resolved.syscalls();
        }

        public Resolved resolved() {
            return resolved;
        }

        /** The pod's isolation class (null: unclassed). */
        public String ippClass() {
            return resolved.ippClass();
        }

        /** The nodes the pod may be placed on (those its filter passed, or its prioritize scored); null: not known. */
        public Set<String> candidates() {
            Candidates known = candidates;
            return known == null ? null : known.set();
        }

        public void candidates(Collection<String> nodes) {
            this.candidates = new Candidates(nodes);
        }

        public boolean isSettled() {
            return settled.isDone();
        }

        /** Whether the pod may be placed on one of the nodes {@code request} asks about. */
        boolean mayLandOn(Request request) {
            Candidates mine = candidates;
            return mine == null || mine.meets(request);
        }

        @Override
        public String toString() {
            return pod.namespace() + "/" + pod.name();
        }
    }

    private final Map<String, Attempt> attempts = new ConcurrentHashMap<>();
    /**
     * The attempts of {@link #attempts} that are not overdue: those prioritize waits for. Kept apart so that a request
     * does not walk the overdue ones, which linger until {@code ttl} (in B7, where nothing binds, thousands).
     */
    private final Map<String, Attempt> onTime = new ConcurrentHashMap<>();
    /** When {@link #expire} last walked the attempts: it does so at most every {@code ttl / 16}. */
    private final AtomicLong lastExpiry;

    private final AtomicLong sequence = new AtomicLong();
    private final Function<ScoringPod, Resolved> resolver;
    private final long waitNanos;
    private final long ttlNanos;
    private final LongSupplier clock;
    private final MeterRegistry registry;

    /**
     * @param resolver the pod's syscall set and class (called once per attempt, and not again for a retry of an
     *                 unchanged pod)
     */
    public InFlightPods(
            Function<ScoringPod, Resolved> resolver,
            Duration wait,
            Duration ttl,
            LongSupplier clock,
            MeterRegistry registry) {
        this.resolver = Objects.requireNonNull(resolver, "resolver");
        this.waitNanos = wait.toNanos();
        this.ttlNanos = ttl.toNanos();
        this.clock = clock;
        this.registry = registry;
        this.lastExpiry = new AtomicLong(clock.getAsLong());
        Gauge.builder("sysched.inflight.pods", attempts, Map::size)
                .description("Pods seen in filter/prioritize whose node the extender does not know yet")
                .register(registry);
    }

    /** The first call of a scheduling cycle when the filter verb is registered: a new attempt. */
    public Attempt beginAtFilter(ScoringPod pod) {
        return begin(pod, false);
    }

    /**
     * The attempt a prioritize call belongs to: the one its filter began, or a new one (no filter verb, or a new
     * scheduling cycle of the pod).
     */
    public Attempt atPrioritize(ScoringPod pod) {
        Attempt current = pod.uid() == null ? null : attempts.get(pod.uid());
        if (current != null && !current.prioritized && !current.isSettled() && sameInputs(current.pod, pod)) {
            current.prioritized = true;
            return current;
        }
        return begin(pod, true);
    }

    /** What the extender resolves for {@code pod} (for a pod that is not in flight). */
    public Resolved resolve(ScoringPod pod) {
        return resolver.apply(pod);
    }

    /** The pod's current attempt, if it is in flight. */
    public Optional<Attempt> attempt(String uid) {
        return uid == null ? Optional.empty() : Optional.ofNullable(attempts.get(uid));
    }

    /** The pod's node is known (bound, counted, gone) or its attempt failed: the attempt ends and waiters go on. */
    public void settle(String uid) {
        if (uid != null) {
            Attempt attempt = attempts.remove(uid);
            if (attempt != null) {
                onTime.remove(uid, attempt);
                attempt.settled.complete(null);
            }
        }
    }

    /** Ends {@code attempt} if it is still the pod's current one. */
    public void settle(Attempt attempt) {
        if (attempt.uid() != null) {
            attempts.remove(attempt.uid(), attempt);
            onTime.remove(attempt.uid(), attempt);
        }
        attempt.settled.complete(null);
    }

    public int size() {
        return attempts.size();
    }

    /**
     * Waits, at most the configured wait, until every attempt that began before {@code attempt}, may land on one of
     * {@code nodes} and matches {@code relevant} has ended. Returns those still undecided (the doubts), each marked
     * overdue: later requests treat it as a doubt at once.
     *
     * @param verb for the metric {@code sysched.inflight.waits{verb,outcome}}
     */
    public List<Attempt> awaitEarlier(Attempt attempt, List<String> nodes, Predicate<Attempt> relevant, String verb) {
        return await(attempt, nodes, relevant, verb, true);
    }

    /**
     * {@link #awaitEarlier} for every earlier attempt, for a caller that answers without the doubts (prioritize scores
     * without undecided pods): an overdue attempt is skipped before its nodes are compared, so the attempts that
     * linger until {@code ttl} (pods whose scheduling failed after our calls) cost a request next to nothing.
     */
    public void awaitEarlierDecisions(Attempt attempt, List<String> nodes, String verb) {
        await(attempt, nodes, other -> true, verb, false);
    }

    private List<Attempt> await(
            Attempt attempt, List<String> nodes, Predicate<Attempt> relevant, String verb, boolean collectDoubts) {
        List<Attempt> pending = new ArrayList<>();
        List<Attempt> doubts = new ArrayList<>();
        Request request = new Request(nodes);
        // without doubts to collect, the overdue attempts need not be walked
        for (Attempt other : (collectDoubts ? attempts : onTime).values()) {
            if (other.isSettled() && !collectDoubts) {
                onTime.remove(other.uid(), other); // settled between its two removals (see begin)
                continue;
            }
            if (other.sequence >= attempt.sequence
                    || other.isSettled()
                    || (other.overdue && !collectDoubts)
                    || !relevant.test(other)
                    || !other.mayLandOn(request)) {
                continue;
            }
            (other.overdue ? doubts : pending).add(other);
        }
        if (pending.isEmpty()) {
            return doubts;
        }
        long started = clock.getAsLong();
        String outcome = "decided";
        try {
            CompletableFuture.allOf(pending.stream().map(a -> a.settled).toArray(CompletableFuture[]::new))
                    .get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            outcome = "timeout";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "an in-flight attempt ended exceptionally", e); // never: only complete(null)
        }
        for (Attempt other : pending) {
            if (!other.isSettled()) {
                other.overdue = true;
                onTime.remove(other.uid(), other);
                doubts.add(other);
            }
        }
        Timer.builder("sysched.inflight.waits")
                .description("Requests that waited for earlier pods' decisions (outcome: decided or timeout)")
                .tag("verb", verb)
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .register(registry)
                .record(clock.getAsLong() - started, TimeUnit.NANOSECONDS);
        return doubts;
    }

    private Attempt begin(ScoringPod pod, boolean prioritized) {
        expire();
        Attempt previous = pod.uid() == null ? null : attempts.get(pod.uid());
        Resolved resolved = previous != null && sameInputs(previous.pod, pod) ? previous.resolved : resolver.apply(pod);
        Attempt attempt = new Attempt(pod, resolved, sequence.incrementAndGet(), clock.getAsLong());
        attempt.prioritized = prioritized;
        if (pod.uid() != null) {
            Attempt replaced = attempts.put(pod.uid(), attempt);
            onTime.put(pod.uid(), attempt);
            if (replaced != null) {
                replaced.settled.complete(null);
            }
        }
        return attempt;
    }

    /** Attempts nothing ended within the ttl: their scheduling failed after our calls (or the pod is stuck in it). */
    private void expire() {
        long now = clock.getAsLong();
        long last = lastExpiry.get();
        if (now - last < ttlNanos / 16 || !lastExpiry.compareAndSet(last, now)) {
            return; // an attempt expires at most ttl / 16 late, and a request rarely walks them all
        }
        for (Attempt attempt : attempts.values()) {
            if (now - attempt.startedNanos > ttlNanos) {
                log.debug("pod {}: no decision within {} ms, no longer in flight", attempt, ttlNanos / 1_000_000);
                settle(attempt);
            }
        }
    }

    /** The resolution of a retry can be reused when what it reads is unchanged. */
    private static boolean sameInputs(ScoringPod a, ScoringPod b) {
        return a.annotations().equals(b.annotations())
                && a.labels().equals(b.labels())
                && Objects.equals(a.podSeccomp(), b.podSeccomp())
                && a.initContainers().equals(b.initContainers())
                && a.containers().equals(b.containers());
    }
}
