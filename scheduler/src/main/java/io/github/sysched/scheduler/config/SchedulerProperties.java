package io.github.sysched.scheduler.config;

import io.github.sysched.pod.ContainerPolicy;
import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.spo.SpoApiVersion;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallWeights;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code sysched.scheduler.*}: see docs/CONTRACTS.md. Every property has a default, so an empty configuration is
 * a valid one.
 *
 * <p>Pods without a valid {@code exs.sysched.io/syscalls} annotation are resolved from their own seccomp settings
 * with common's {@code io.github.sysched.pod.PodSyscallResolver}: Localhost SPO profile → that profile (with its
 * base chain), RuntimeDefault → the runtime-default set, none/Unconfined → the default profile, and the full x86_64
 * table when the default profile does not exist.
 *
 * @param defaultProfile the SeccompProfile whose syscalls a pod without the annotation and without a profile of its
 *                       own is assumed to use (default {@code default/full-seccomp}, as upstream SySched's
 *                       defaultProfileNamespace/Name; the namespace is dropped when SeccompProfiles are
 *                       cluster-scoped)
 * @param weights        syscall name → whole-number weight for weighted ExS; names not listed weigh 1 (default none)
 * @param scoring        what {@code /prioritize} answers
 * @param ipp            instance-per-pod classes
 * @param bind           the {@code /bind} verb
 * @param inFlight       pods kube-scheduler is still deciding (docs/SCHEDULING.md)
 * @param leaderElection one answering replica among several (docs/SCHEDULING.md)
 * @param annotations    which {@code exs.sysched.io} annotations are believed (SECURITY.md, "Trusted annotations")
 * @param spo            SPO API scope and version
 * @param informer       informer start-up
 * @param containers     how containers without a profile and init containers count (as the webhook's
 *                       {@code sysched.webhook.containers.*}: keep both equal)
 * @param maxRequestSize extender request bodies larger than this are refused with 413 (default {@code 8MB}:
 *                       {@code NodeNames} for any cluster size, full {@code Nodes} for about a thousand typical nodes)
 * @param events         the {@code SyschedPlacement} Events on the pods the extender scored
 * @param rebalancer     the opt-in controller that evicts a running pod when its replacement lowers the cluster's ExS
 *                       (docs/PLACEMENT.md §9)
 */
@Validated
@ConfigurationProperties("sysched.scheduler")
public record SchedulerProperties(
        @DefaultValue @Valid DefaultProfile defaultProfile,
        @DefaultValue @NotNull Map<String, Long> weights,
        @DefaultValue @Valid Scoring scoring,
        @DefaultValue @Valid Ipp ipp,
        @DefaultValue @Valid Bind bind,
        @DefaultValue @Valid InFlight inFlight,
        @DefaultValue @Valid LeaderElection leaderElection,
        @DefaultValue @Valid Annotations annotations,
        @DefaultValue @Valid Spo spo,
        @DefaultValue @Valid Informer informer,
        @DefaultValue @Valid Containers containers,
        @DefaultValue("8MB") @NotNull DataSize maxRequestSize,
        @DefaultValue @Valid Events events,
        @DefaultValue @Valid Rebalancer rebalancer) {

    /** The weights the extender's ExS engine counts with: {@link #weights}, every other name 1. */
    public SyscallWeights syscallWeights() {
        return weights.isEmpty() ? SyscallWeights.uniform() : SyscallWeights.of(1, weights);
    }

    /**
     * @param name      name of the default SeccompProfile (default {@code full-seccomp})
     * @param namespace its namespace (default {@code default}; not used when SeccompProfiles are cluster-scoped)
     */
    public record DefaultProfile(
            @DefaultValue("default") @NotBlank String namespace,
            @DefaultValue("full-seccomp") @NotBlank String name) {}

    /**
     * The extender's score (docs/PLACEMENT.md §2).
     *
     * @param mode        {@code marginal} (default: the exposure the pod adds on each node, an opening cost for an
     *                    empty node, the 11 levels spent where the candidates differ) or {@code upstream} (SySched's:
     *                    the node's ExS after the placement, normalized to 0..100 and rounded to 0..10)
     * @param openingCost the marginal score's cost of an empty node, in (weighted) syscalls (default 20): a node whose
     *                    pods make the pod add less than this beats an empty one
     * @param plan        follow a plan of the known demand (docs/PLANNING.md; {@code marginal} mode only)
     */
    public record Scoring(
            @DefaultValue("marginal") @NotNull ExtenderScoring.Mode mode,
            @DefaultValue("20") @Min(0) long openingCost,
            @DefaultValue @Valid Plan plan) {

        public ExtenderScoring extenderScoring() {
            return new ExtenderScoring(mode, openingCost);
        }
    }

    /**
     * The plan of the known demand (docs/PLANNING.md): a background thread plans where the pods the replica controllers
     * of {@code rebalancer.scheduler-name} still owe should go, and {@code /prioritize} lifts a pod's planned nodes.
     *
     * @param enabled  plan and follow the plan (default false; RBAC: list and watch on replicasets, statefulsets,
     *                 replicationcontrollers, nodes, namespaces and profilebindings)
     * @param steps    the annealer's moves per plan (default {@code PlacementPlanner.DEFAULT_STEPS}, 300000: about
     *                 0.15 s for 234 pods on 50 nodes)
     * @param interval the least time between two plans; a plan is made only when Nodes, pods or controllers changed
     *                 (default 250ms; at least 10ms)
     */
    public record Plan(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("300000") @Min(1) long steps,
            @DefaultValue("250ms") @NotNull Duration interval) {

        public Plan {
            if (interval != null && interval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException(
                        "sysched.scheduler.scoring.plan.interval must be at least 10ms: " + interval);
            }
        }
    }

    /**
     * @param classLabel pod label that carries the isolation class when the {@code exs.sysched.io/ipp-class}
     *                   annotation is absent (default {@code ipp-class})
     */
    public record Ipp(@DefaultValue("ipp-class") @NotBlank String classLabel) {}

    /** @param enabled serve {@code POST /bind} (default false) */
    public record Bind(@DefaultValue("false") boolean enabled) {}

    /**
     * Pods seen in {@code /filter} or {@code /prioritize} whose node the extender does not know yet (docs/SCHEDULING.md).
     *
     * @param maxWait how long a request waits, at most, for the decisions on earlier pods that could change its answer
     *                (default 100ms; then IPP answers as if each such pod could land on any of its candidate nodes, ExS
     *                scores without them)
     * @param ttl     how long an undecided pod counts as in flight (default 30s): after a bind, a count by the informer,
     *                a retry or a deletion it stops at once; a pod whose scheduling failed silently stops after this
     */
    public record InFlight(
            @DefaultValue("100ms") @NotNull Duration maxWait,
            @DefaultValue("30s") @NotNull Duration ttl) {

        public InFlight {
            if (maxWait != null && maxWait.isNegative()) {
                throw new IllegalArgumentException(
                        "sysched.scheduler.in-flight.max-wait must not be negative: " + maxWait);
            }
            if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
                throw new IllegalArgumentException("sysched.scheduler.in-flight.ttl must be positive: " + ttl);
            }
        }
    }

    /**
     * Only the leader answers the verbs (the in-flight state and the IPP check at {@code /bind} live in one process);
     * the others keep their informers warm, refuse with {@code Error} and close the connection, so kube-scheduler
     * reconnects. With {@code serviceName} the leader points the Service at itself: it writes the EndpointSlice
     * {@code <serviceName>-leader} of that selector-less Service with its own address (docs/SCHEDULING.md).
     *
     * @param enabled       contend for a Lease (default false: this replica always answers)
     * @param leaseName     the Lease (default {@code sysched-extender})
     * @param namespace     namespace of the Lease and the EndpointSlice (default: {@code POD_NAMESPACE}, else
     *                      {@code default})
     * @param identity      this replica in the Lease (default: {@code POD_NAME}, else the host name)
     * @param leaseDuration how long a Lease holds without renewal: a crashed leader is replaced after it (default 15s)
     * @param renewDeadline a leader that could not renew for this long stops answering (default 10s; below
     *                      leaseDuration)
     * @param retryPeriod   how often the Lease is tried and renewed (default 2s)
     * @param serviceName   the selector-less Service the leader routes to itself ("" = write no EndpointSlice)
     * @param address       this replica's IP in the EndpointSlice (default: {@code POD_IP})
     */
    public record LeaderElection(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("sysched-extender") @NotBlank String leaseName,
            @DefaultValue("") @NotNull String namespace,
            @DefaultValue("") @NotNull String identity,
            @DefaultValue("15s") @NotNull Duration leaseDuration,
            @DefaultValue("10s") @NotNull Duration renewDeadline,
            @DefaultValue("2s") @NotNull Duration retryPeriod,
            @DefaultValue("") @NotNull String serviceName,
            @DefaultValue("") @NotNull String address) {

        public LeaderElection {
            if (leaseDuration != null
                    && renewDeadline != null
                    && retryPeriod != null
                    && (renewDeadline.compareTo(leaseDuration) >= 0
                            || retryPeriod.compareTo(renewDeadline) >= 0
                            || retryPeriod.isNegative()
                            || retryPeriod.isZero())) {
                throw new IllegalArgumentException("sysched.scheduler.leader-election: need 0 < retry-period < "
                        + "renew-deadline < lease-duration, got " + retryPeriod + " / " + renewDeadline + " / "
                        + leaseDuration);
            }
        }
    }

    /**
     * @param trust              {@code signed} (default): the syscall and class annotations count only with the
     *                           webhook's valid signature; otherwise the pod is resolved from its spec and its class
     *                           comes from its label. {@code any}: every annotation is believed (only where no one but
     *                           the webhook can write them)
     * @param keyDir             directory with the shared keys, files {@code current} and {@code previous} (the chart
     *                           mounts its Secret there); "" (default): no keys, so with {@code signed} no annotation
     *                           is believed
     * @param keyCheckInterval   how often the key files are re-read (default 10s)
     */
    public record Annotations(
            @DefaultValue("signed") @NotNull io.github.sysched.scheduler.state.AnnotationTrust.Mode trust,
            @DefaultValue("") @NotNull String keyDir,
            @DefaultValue("10s") @NotNull Duration keyCheckInterval) {}

    /**
     * @param scope   whether SeccompProfiles are namespaced or cluster-scoped: {@code auto} (default: read
     *                {@code spec.scope} of the CRD {@code seccompprofiles.security-profiles-operator.x-k8s.io}, never
     *                assumed: while it is absent or unreadable the extender retries in the background and stays not
     *                ready), {@code namespaced} or {@code cluster} (no detection). It decides the default profile's
     *                key and how SeccompProfiles are keyed.
     * @param version the SeccompProfile API version the informer reads: {@code v1beta1} (default, SPO up to v0.10)
     *                or {@code v1} (SPO v1.0+)
     */
    public record Spo(
            @DefaultValue("auto") @NotNull Scope scope,
            @DefaultValue("v1beta1") @NotNull SpoApiVersion version) {

        public enum Scope {
            AUTO,
            NAMESPACED,
            CLUSTER;

            /** The configured scope; null for {@code auto} (read from the CRD). */
            public SpoScope configured() {
                return this == AUTO ? null : SpoScope.valueOf(name());
            }
        }
    }

    /**
     * @param profileWait how long the pod informer waits for the SeccompProfile informer to sync before it starts
     *                    anyway (default 10s)
     */
    public record Informer(@DefaultValue("10s") @NotNull Duration profileWait) {}

    /**
     * When a pod the extender scored is bound (through {@code /bind}, or seen with {@code spec.nodeName} by the pod
     * informer), an {@code events.k8s.io/v1} Event on the pod says where it went and why: reason
     * {@code SyschedPlacement}. Events are sent in the background, paced by a token bucket; scheduling never waits for
     * them.
     *
     * @param enabled       post the Events (default true; RBAC: create and patch on {@code events.events.k8s.io})
     * @param perSecond     Event API calls per second, the token bucket's refill rate (default 10)
     * @param burst         the token bucket's size (default 100)
     * @param queueCapacity Events waiting to be sent; more are dropped and counted (default 1000)
     * @param scoresKeptFor how long the scores of a pod are kept for its Event after its last prioritize (default
     *                      10m); a pod bound later gets no Event
     */
    public record Events(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("10") @Positive double perSecond,
            @DefaultValue("100") @Positive int burst,
            @DefaultValue("1000") @Positive int queueCapacity,
            @DefaultValue("10m") @NotNull Duration scoresKeptFor) {}

    /**
     * common's {@link ContainerPolicy}; SECURITY.md argues the defaults.
     *
     * @param unprofiled containers without a profile of their own: {@code default-profile} (default),
     *                   {@code runtime-default} (kubelets run with {@code seccompDefault: true}) or {@code ignore}
     *                   (upstream SySched: left out)
     * @param init       init containers that run to completion: {@code count} (default) or {@code ignore}
     */
    public record Containers(
            @DefaultValue("default-profile") @NotNull ContainerPolicy.Unprofiled unprofiled,
            @DefaultValue("count") @NotNull ContainerPolicy.InitContainers init) {

        public ContainerPolicy policy() {
            return new ContainerPolicy(unprofiled, init);
        }
    }

    /**
     * The rebalancer (docs/PLACEMENT.md §9, "The controller"): on the leader, every {@code interval}, while no pod of
     * {@code schedulerName} is pending, it asks common's {@code RebalancePlanner} for the one running pod whose
     * eviction lowers the cluster's (weighted) ExS most and evicts it through the Eviction API.
     *
     * @param enabled       run it (default false; RBAC: create on {@code pods/eviction}, list and watch on nodes and
     *                      namespaces)
     * @param dryRun        log and count the eviction it would make, evict nothing (default true: turning it on shows
     *                      what it would do; evicting takes a second, explicit decision)
     * @param interval      time between two decisions, at most one eviction each (default 30s; at least 1s)
     * @param minGain       the least gain worth an eviction, in (weighted) syscalls (default 5, the planner's)
     * @param maxPerHour    evictions (and dry-run decisions) in any hour, at most (default 20)
     * @param holdBack      how long a workload whose replacement landed off the prediction and realized less than
     *                      predicted is left alone; also how long a replacement is waited for (default 1h)
     * @param schedulerName the {@code spec.schedulerName} of the pods the extender places: only they are moved, and a
     *                      pending one stops the rebalancer (default {@code sysched-scheduler})
     * @param replicaSpread the webhook's replica-spread guard, as deployed, which replacements must pass (the chart
     *                      sets it from the same values as {@code sysched.webhook.replica-spread.*})
     */
    public record Rebalancer(
            @DefaultValue("false") boolean enabled,
            @DefaultValue("true") boolean dryRun,
            @DefaultValue("30s") @NotNull Duration interval,
            @DefaultValue("5") @Min(1) long minGain,
            @DefaultValue("20") @Min(1) int maxPerHour,
            @DefaultValue("1h") @NotNull Duration holdBack,
            @DefaultValue("sysched-scheduler") @NotBlank String schedulerName,
            @DefaultValue @Valid ReplicaSpread replicaSpread) {

        public Rebalancer {
            if (interval != null && interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "sysched.scheduler.rebalancer.interval must be at least 1s: " + interval);
            }
            if (holdBack != null && (holdBack.isNegative() || holdBack.isZero())) {
                throw new IllegalArgumentException(
                        "sysched.scheduler.rebalancer.hold-back must be positive: " + holdBack);
            }
        }

        /**
         * @param enabled      the webhook injects the spread constraints (default true, as the chart's
         *                     {@code replicaSpread.enabled})
         * @param maxSkew      their maxSkew (default 1)
         * @param zones        also spread over {@code topology.kubernetes.io/zone} when every node carries it and
         *                     there are at least two zones (default true, the webhook's {@code auto}); false: hostname
         *                     only
         * @param optOutLabel  pod or namespace label whose value {@code off} exempts the pod
         */
        public record ReplicaSpread(
                @DefaultValue("true") boolean enabled,
                @DefaultValue("1") @Min(1) int maxSkew,
                @DefaultValue("true") boolean zones,

                @DefaultValue("exs.sysched.io/replica-spread") @NotBlank
                String optOutLabel) {}
    }
}
