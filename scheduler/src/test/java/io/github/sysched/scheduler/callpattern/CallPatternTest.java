package io.github.sysched.scheduler.callpattern;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extender under kube-scheduler's call pattern (see {@link KubeSchedulerLoop}): later pods' {@code /filter} and
 * {@code /prioritize} overtake earlier pods' binding cycles. Figures are printed with the prefix
 * {@code call-pattern:}; the sizes and delays are system properties:
 * <pre>
 * ./mvnw -B -q -pl scheduler -am verify -Dtest=CallPatternTest -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcallpattern.ipp-bursts=1000 -Dcallpattern.exs-bursts=200 -Dcallpattern.max-bind-delay-ms=10
 * </pre>
 */
class CallPatternTest {

    static final int IPP_BURSTS = Integer.getInteger("callpattern.ipp-bursts", 200);
    static final int EXS_BURSTS = Integer.getInteger("callpattern.exs-bursts", 50);
    static final long SEED = Long.getLong("callpattern.seed", 20260101L);
    static final Duration MIN_BIND_DELAY = CallPatternRun.durationProperty("callpattern.min-bind-delay-ms", 0);
    static final Duration MAX_BIND_DELAY = CallPatternRun.durationProperty("callpattern.max-bind-delay-ms", 10);
    static final int WEIGHT = 3; // the chart's secondScheduler.extender.weight

    @Test
    void ippFastWithBindVerb() {
        IppFigures figures = ipp(new KubeSchedulerLoop.Settings(true, true, WEIGHT, MIN_BIND_DELAY, MAX_BIND_DELAY));
        assertThat(figures.violatingBursts)
                .as("bursts with two classes on a node")
                .isZero();
        assertThat(figures.starved)
                .as("pods left unscheduled although a node had room for them")
                .isZero();
    }

    @Test
    void ippFastWithApiBinding() {
        IppFigures figures = ipp(new KubeSchedulerLoop.Settings(true, false, WEIGHT, MIN_BIND_DELAY, MAX_BIND_DELAY));
        assertThat(figures.violatingBursts)
                .as("bursts with two classes on a node")
                .isZero();
        assertThat(figures.starved)
                .as("pods left unscheduled although a node had room for them")
                .isZero();
    }

    @Test
    void burstExsAgainstOneAtATime() {
        KubeSchedulerLoop.Settings settings =
                new KubeSchedulerLoop.Settings(false, true, WEIGHT, MIN_BIND_DELAY, MAX_BIND_DELAY);
        long burstExs = 0;
        long sequentialExs = 0;
        int worse = 0;
        List<Long> extenderNanos = new ArrayList<>();
        List<Long> sequentialNanos = new ArrayList<>();
        int burstPods = 0;
        CallPatternRun.Waits waits;
        try (CallPatternRun run = new CallPatternRun(settings)) {
            for (int i = 0; i < EXS_BURSTS; i++) {
                Bursts.Burst burst = Bursts.exs(SEED + i);
                CallPatternRun.Outcome together = run.schedule(burst, "b" + i, KubeSchedulerLoop.Pace.BURST);
                CallPatternRun.Outcome alone = run.schedule(burst, "s" + i, KubeSchedulerLoop.Pace.ONE_AT_A_TIME);
                assertThat(together.result().unscheduled()).isEmpty();
                assertThat(alone.result().unscheduled()).isEmpty();
                burstExs += together.clusterExs();
                sequentialExs += alone.clusterExs();
                if (together.clusterExs() > alone.clusterExs() * 1.05) {
                    worse++;
                }
                extenderNanos.addAll(together.result().extenderNanosPerPod());
                sequentialNanos.addAll(alone.result().extenderNanosPerPod());
                burstPods += burst.pods();
                run.clean("b" + i);
                run.clean("s" + i);
            }
            waits = run.waits(); // one at a time never waits: every earlier pod is counted before the next is scheduled
        }
        double gap = sequentialExs == 0 ? 0 : 100.0 * (burstExs - sequentialExs) / sequentialExs;
        System.out.printf(
                "call-pattern: ExS, %d bursts (bindVerb, bind delay %d..%d ms): cluster ExS burst %d vs one at "
                        + "a time %d: %+.1f %%; %d bursts more than 5 %% worse; extender per pod in bursts %s, one at a "
                        + "time %s; %s%n",
                EXS_BURSTS,
                MIN_BIND_DELAY.toMillis(),
                MAX_BIND_DELAY.toMillis(),
                burstExs,
                sequentialExs,
                gap,
                worse,
                CallPatternRun.millis(extenderNanos),
                CallPatternRun.millis(sequentialNanos),
                waits.perPod(burstPods));
        assertThat(gap).as("burst ExS gap over one-at-a-time, %").isLessThanOrEqualTo(5.0);
    }

    private static IppFigures ipp(KubeSchedulerLoop.Settings settings) {
        IppFigures figures = new IppFigures();
        List<Long> extenderNanos = new ArrayList<>();
        List<Long> bindNanos = new ArrayList<>();
        CallPatternRun.Waits waits;
        String bindApi;
        try (CallPatternRun run = new CallPatternRun(settings)) {
            for (int i = 0; i < IPP_BURSTS; i++) {
                Bursts.Burst burst = Bursts.ipp(SEED + i);
                String tag = "i" + i;
                CallPatternRun.Outcome outcome = run.schedule(burst, tag, KubeSchedulerLoop.Pace.BURST);
                int violations = outcome.classViolations();
                figures.pods += burst.pods();
                figures.violatingNodes += violations;
                figures.violatingBursts += violations > 0 ? 1 : 0;
                figures.failedAttempts += outcome.result().failedAttempts();
                figures.unscheduled += outcome.result().unscheduled().size();
                figures.starved += outcome.starved();
                extenderNanos.addAll(outcome.result().extenderNanosPerPod());
                bindNanos.addAll(outcome.result().bindNanos());
                run.clean(tag);
            }
            waits = run.waits();
            bindApi = run.bindApiCalls();
        }
        System.out.printf(
                "call-pattern: IPP fast, %d bursts, %d pods (%s, bind delay %d..%d ms): %d bursts with classes "
                        + "sharing a node (%d nodes); %d failed attempts; %d pods unscheduled (%d of them with room left); "
                        + "extender per pod %s; /bind %s, of which the pods/binding API call %s; %s%n",
                IPP_BURSTS,
                figures.pods,
                settings.bindVerb() ? "bindVerb" : "API binding",
                settings.minBindDelay().toMillis(),
                settings.maxBindDelay().toMillis(),
                figures.violatingBursts,
                figures.violatingNodes,
                figures.failedAttempts,
                figures.unscheduled,
                figures.starved,
                CallPatternRun.millis(extenderNanos),
                CallPatternRun.millis(bindNanos),
                bindApi,
                waits.perPod(figures.pods));
        return figures;
    }

    private static final class IppFigures {
        int pods;
        int violatingBursts;
        int violatingNodes;
        int failedAttempts;
        int unscheduled;
        int starved;
    }
}
