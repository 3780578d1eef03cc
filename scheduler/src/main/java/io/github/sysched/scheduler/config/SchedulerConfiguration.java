package io.github.sysched.scheduler.config;

import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.syscall.SyscallWeights;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The ExS engine the extender scores with. (The Kubernetes client and the informers' lifecycle come from
 * {@code io.github.sysched.kube.boot}.)
 */
@Configuration(proxyBeanMethods = false)
public class SchedulerConfiguration {

    @Bean
    SyscallWeights syscallWeights(SchedulerProperties properties) {
        return properties.syscallWeights();
    }

    @Bean
    ExsEngine exsEngine(SyscallWeights weights) {
        return new ExsEngine(weights);
    }
}
