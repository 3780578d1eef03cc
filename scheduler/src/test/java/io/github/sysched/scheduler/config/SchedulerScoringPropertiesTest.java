package io.github.sysched.scheduler.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.scoring.ExtenderScoring;
import io.github.sysched.scoring.MarginalExs;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** {@code sysched.scheduler.scoring.*}: the documented defaults, the contract's spellings, and bad values refused. */
class SchedulerScoringPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(SchedulerProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void theMarginalScoreWithTheSweptOpeningCostIsTheDefault() {
        runner.run(context -> assertThat(
                        context.getBean(SchedulerProperties.class).scoring().extenderScoring())
                .isEqualTo(ExtenderScoring.DEFAULT)
                .isEqualTo(new ExtenderScoring(ExtenderScoring.Mode.MARGINAL, MarginalExs.DEFAULT_OPENING_COST)));
    }

    @Test
    void contractSpellingsBind() {
        runner.withPropertyValues("sysched.scheduler.scoring.mode=upstream", "sysched.scheduler.scoring.opening-cost=0")
                .run(context -> assertThat(context.getBean(SchedulerProperties.class)
                                .scoring()
                                .extenderScoring())
                        .isEqualTo(new ExtenderScoring(ExtenderScoring.Mode.UPSTREAM, 0)));
    }

    @Test
    void anUnknownModeOrANegativeOpeningCostFailsAtStartupNamingTheProperty() {
        // Spring Boot's failure analyzer then lists the valid values (MARGINAL, UPSTREAM) under the property's name
        runner.withPropertyValues("sysched.scheduler.scoring.mode=exs")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("sysched.scheduler.scoring.mode"));
        runner.withPropertyValues("sysched.scheduler.scoring.opening-cost=-1")
                .run(context ->
                        assertThat(context).hasFailed().getFailure().hasStackTraceContaining("scoring.openingCost"));
    }
}
