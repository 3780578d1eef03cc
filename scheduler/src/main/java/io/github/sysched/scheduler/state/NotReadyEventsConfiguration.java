package io.github.sysched.scheduler.state;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.informer.NotReadyEvents;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * In a pod (POD_NAME / POD_NAMESPACE set by the chart), the extender's not-ready reason ({@link Informers#problem()},
 * e.g. the SeccompProfile CRD is missing) becomes a Warning Event on its own pod ({@link NotReadyEvents}).
 */
@Configuration(proxyBeanMethods = false)
public class NotReadyEventsConfiguration {

    @Bean(initMethod = "start", destroyMethod = "close")
    NotReadyEvents notReadyEvents(KubernetesClient client, Informers informers) {
        return NotReadyEvents.forThisPod(client, "sysched-scheduler", informers::problem);
    }
}
