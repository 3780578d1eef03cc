package io.github.sysched.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.scoring.PlacementPlanner;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code sysched.scheduler.scoring.plan.*}: off by default, the planner's steps, bad values refused. */
class PlanPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SchedulerProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void offByDefaultWithThePlannersSteps() {
        runner.run(context -> {
            SchedulerProperties.Plan plan =
                    context.getBean(SchedulerProperties.class).scoring().plan();
            assertThat(plan.enabled()).isFalse();
            assertThat(plan.steps()).isEqualTo(PlacementPlanner.DEFAULT_STEPS);
            assertThat(plan.interval()).isEqualTo(Duration.ofMillis(250));
        });
    }

    @Test
    void contractSpellingsBind() {
        runner.withPropertyValues(
                        "sysched.scheduler.scoring.plan.enabled=true",
                        "sysched.scheduler.scoring.plan.steps=5000",
                        "sysched.scheduler.scoring.plan.interval=2s")
                .run(context -> assertThat(context.getBean(SchedulerProperties.class)
                                .scoring()
                                .plan())
                        .isEqualTo(new SchedulerProperties.Plan(true, 5000, Duration.ofSeconds(2))));
    }

    @ParameterizedTest
    @CsvSource({
        "steps, 0, steps",
        "steps, -3, steps",
        "steps, many, steps",
        "interval, 0s, interval",
        "interval, 5ms, interval",
        "interval, -1s, interval",
        "enabled, perhaps, enabled"
    })
    void aBadValueFailsAtStartupNamingTheProperty(String property, String value, String named) {
        runner.withPropertyValues("sysched.scheduler.scoring.plan." + property + "=" + value)
                .run(context -> assertThat(context).hasFailed().getFailure().hasStackTraceContaining(named));
    }
}
