package io.github.sysched.scheduler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The ExS scheduler extender: kube-scheduler calls {@code /filter}, {@code /prioritize} (and optionally
 * {@code /bind}) on port 8888; the answers come from a pod informer's view of which pod runs where with
 * which syscall set. Management (health, Prometheus) is on port 8081.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SchedulerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SchedulerApplication.class, args);
    }
}
