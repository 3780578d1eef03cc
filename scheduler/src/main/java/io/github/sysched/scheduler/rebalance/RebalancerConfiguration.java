package io.github.sysched.scheduler.rebalance;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.BackgroundLoop;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ClusterState;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code sysched.scheduler.rebalancer.*}: the {@link Rebalancer}, only when {@code enabled}, ticking every
 * {@code interval} on one daemon thread while the application runs.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("sysched.scheduler.rebalancer.enabled")
public class RebalancerConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RebalancerConfiguration.class);

    @Bean
    RebalancerMetrics rebalancerMetrics(MeterRegistry registry) {
        return new RebalancerMetrics(registry);
    }

    @Bean
    Rebalancer rebalancer(
            KubernetesClient client,
            ClusterView view,
            ClusterState state,
            Leadership leadership,
            SchedulerProperties properties,
            RebalancerMetrics metrics) {
        SchedulerProperties.Rebalancer settings = properties.rebalancer();
        log.info(
                "rebalancer on{}: every {}, min gain {}, at most {} per hour, hold-back {}, pods of scheduler {}",
                settings.dryRun() ? " in dry run (it logs what it would evict, evicts nothing)" : "",
                settings.interval(),
                settings.minGain(),
                settings.maxPerHour(),
                settings.holdBack(),
                settings.schedulerName());
        return new Rebalancer(client, view, state, leadership, properties, metrics, System::nanoTime);
    }

    @Bean
    SmartLifecycle rebalancerLoop(Rebalancer rebalancer, SchedulerProperties properties) {
        return new BackgroundLoop(
                "rebalancer",
                properties.rebalancer().interval(),
                rebalancer::tick,
                log,
                "rebalancer: decision failed, trying again next interval");
    }
}
