package io.github.sysched.scheduler.config;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.github.sysched.scoring.ExsEngine;
import io.github.sysched.syscall.SyscallWeights;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Beans the extender is built from: the Kubernetes client (in-cluster or kubeconfig) and the ExS engine. */
@Configuration(proxyBeanMethods = false)
public class SchedulerConfiguration {

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KubernetesClient kubernetesClient() {
        return new KubernetesClientBuilder().build();
    }

    @Bean
    SyscallWeights syscallWeights(SchedulerProperties properties) {
        return properties.getWeights().isEmpty()
                ? SyscallWeights.uniform()
                : SyscallWeights.of(1, properties.getWeights());
    }

    @Bean
    ExsEngine exsEngine(SyscallWeights weights) {
        return new ExsEngine(weights);
    }
}
