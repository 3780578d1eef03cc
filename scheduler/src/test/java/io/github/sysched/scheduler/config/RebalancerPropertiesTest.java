package io.github.sysched.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.scoring.RebalancePlanner;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code sysched.scheduler.rebalancer.*}: off and in dry run by default, the planner's gain, bad values refused. */
class RebalancerPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SchedulerProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void offByDefaultAndInDryRunWhenTurnedOn() {
        runner.run(context -> {
            SchedulerProperties.Rebalancer rebalancer =
                    context.getBean(SchedulerProperties.class).rebalancer();
            assertThat(rebalancer.enabled()).isFalse();
            assertThat(rebalancer.dryRun()).isTrue();
            assertThat(rebalancer.minGain()).isEqualTo(RebalancePlanner.DEFAULT_MIN_GAIN);
            assertThat(rebalancer.interval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(rebalancer.maxPerHour()).isEqualTo(20);
            assertThat(rebalancer.holdBack()).isEqualTo(Duration.ofHours(1));
            assertThat(rebalancer.schedulerName()).isEqualTo("sysched-scheduler");
            assertThat(rebalancer.replicaSpread().maxSkew()).isEqualTo(1);
        });
    }

    @Test
    void contractSpellingsBind() {
        runner.withPropertyValues(
                        "sysched.scheduler.rebalancer.enabled=true",
                        "sysched.scheduler.rebalancer.dry-run=false",
                        "sysched.scheduler.rebalancer.interval=2m",
                        "sysched.scheduler.rebalancer.min-gain=12",
                        "sysched.scheduler.rebalancer.max-per-hour=3",
                        "sysched.scheduler.rebalancer.hold-back=6h",
                        "sysched.scheduler.rebalancer.scheduler-name=secure",
                        "sysched.scheduler.rebalancer.replica-spread.enabled=false",
                        "sysched.scheduler.rebalancer.replica-spread.max-skew=2",
                        "sysched.scheduler.rebalancer.replica-spread.zones=false",
                        "sysched.scheduler.rebalancer.replica-spread.opt-out-label=spread")
                .run(context -> assertThat(
                                context.getBean(SchedulerProperties.class).rebalancer())
                        .isEqualTo(new SchedulerProperties.Rebalancer(
                                true,
                                false,
                                Duration.ofMinutes(2),
                                12,
                                3,
                                Duration.ofHours(6),
                                "secure",
                                new SchedulerProperties.Rebalancer.ReplicaSpread(false, 2, false, "spread"))));
    }

    @ParameterizedTest
    @CsvSource({
        "interval, 0s, interval",
        "interval, 500ms, interval",
        "hold-back, 0s, hold-back",
        "hold-back, -1m, hold-back",
        "min-gain, 0, minGain",
        "max-per-hour, 0, maxPerHour",
        "scheduler-name, ' ', schedulerName",
        "replica-spread.max-skew, 0, maxSkew"
    })
    void aBadValueFailsAtStartupNamingTheProperty(String property, String value, String named) {
        runner.withPropertyValues("sysched.scheduler.rebalancer." + property + "=" + value)
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining(named));
    }
}
