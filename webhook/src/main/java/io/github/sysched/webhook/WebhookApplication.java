package io.github.sysched.webhook;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Admission webhook: stamps the resolved syscall set on pods and enforces instance-per-pod classes. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class WebhookApplication {

    public static void main(String[] args) {
        SpringApplication.run(WebhookApplication.class, args);
    }
}
