package io.github.sysched.scheduler.plan;

import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.BackgroundLoop;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.state.ClusterState;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code sysched.scheduler.scoring.plan.*}: the {@link DemandPlanner}, only when {@code enabled}, planning on one
 * daemon thread at most every {@code interval} while the application runs; {@code /prioritize} follows it (it is the
 * {@link io.github.sysched.scheduler.extender.PlacementPlans} bean).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sysched.scheduler.scoring.plan.enabled")
public class PlanConfiguration {

    private static final Logger log = LoggerFactory.getLogger(PlanConfiguration.class);

    @Bean
    PlanMetrics planMetrics(MeterRegistry registry) {
        return new PlanMetrics(registry);
    }

    @Bean
    DemandPlanner demandPlanner(
            ClusterView view, ClusterState state, SchedulerProperties properties, PlanMetrics metrics) {
        SchedulerProperties.Plan plan = properties.scoring().plan();
        if (properties.scoring().mode() != io.github.sysched.scoring.ExtenderScoring.Mode.MARGINAL) {
            log.warn(
                    "sysched.scheduler.scoring.plan.enabled with mode {}: the plan is made but only the marginal "
                            + "score follows it",
                    properties.scoring().mode());
        }
        log.info(
                "plan of the known demand on: at most every {}, {} steps, pods of scheduler {}",
                plan.interval(),
                plan.steps(),
                properties.rebalancer().schedulerName());
        return new DemandPlanner(view, state, properties, metrics, System::nanoTime);
    }

    @Bean
    SmartLifecycle planningLoop(DemandPlanner planner, SchedulerProperties properties) {
        return new BackgroundLoop(
                "demand-planner",
                properties.scoring().plan().interval(),
                planner::tick,
                log,
                "plan failed, keeping the previous plan; trying again next interval");
    }
}
