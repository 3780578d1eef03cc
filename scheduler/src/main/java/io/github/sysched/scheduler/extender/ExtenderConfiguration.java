package io.github.sysched.scheduler.extender;

import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.Informers;
import io.github.sysched.scheduler.state.PodSetResolver;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class ExtenderConfiguration {

    @Bean
    ExtenderService extenderService(ClusterState state, PodSetResolver resolver, Informers informers) {
        return new ExtenderService(state, resolver, informers);
    }

    @Bean
    ExtenderController.ExtenderMetrics extenderMetrics(MeterRegistry registry) {
        return new ExtenderController.ExtenderMetrics(registry);
    }
}
