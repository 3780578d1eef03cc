package io.github.sysched.scheduler.extender;

import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.PodSetResolver;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.ObjectMapper;

@Configuration(proxyBeanMethods = false)
public class ExtenderConfiguration {

    /** Every {@link ExtenderObserver} bean hears of each answer (io.github.sysched.scheduler.decisions). */
    @Bean
    ExtenderService extenderService(ClusterState state, PodSetResolver resolver, ClusterView view,
                                    ObjectProvider<ExtenderObserver> observers) {
        return new ExtenderService(state, resolver, view, ExtenderObserver.all(observers.orderedStream().toList()));
    }

    @Bean
    ExtenderRequestReader extenderRequestReader(ObjectMapper mapper, SchedulerProperties properties) {
        return new ExtenderRequestReader(mapper, properties.maxRequestSize().toBytes());
    }

    @Bean
    ExtenderController.ExtenderMetrics extenderMetrics(MeterRegistry registry) {
        return new ExtenderController.ExtenderMetrics(registry);
    }
}
