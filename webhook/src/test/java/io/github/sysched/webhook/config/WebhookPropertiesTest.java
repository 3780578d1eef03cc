package io.github.sysched.webhook.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.pod.ContainerPolicy;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

/** Defaults as documented in docs/CONTRACTS.md, relaxed binding of the enum values, and validation. */
class WebhookPropertiesTest {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(WebhookProperties.class)
    static class Config {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Config.class);

    @Test
    void defaults() {
        runner.run(context -> {
            WebhookProperties p = context.getBean(WebhookProperties.class);
            assertThat(p.mode()).isEqualTo(WebhookProperties.Mode.ANNOTATE);
            assertThat(p.optInLabel()).isEqualTo("spo.x-k8s.io/enable-binding");
            assertThat(p.allNamespaces()).isFalse();
            assertThat(p.exemptNamespaces()).containsExactly("kube-system");
            assertThat(p.spo().scope()).isEqualTo(WebhookProperties.Spo.Scope.AUTO);
            assertThat(p.spo().version()).isEqualTo(io.github.sysched.spo.SpoApiVersion.V1BETA1);
            assertThat(p.defaultProfile().namespace()).isEqualTo("default");
            assertThat(p.defaultProfile().name()).isEqualTo("full-seccomp");
            assertThat(p.binding().overrideExisting()).isTrue();
            assertThat(p.ipp().mode()).isEqualTo(WebhookProperties.Ipp.IppMode.OFF);
            assertThat(p.ipp().classLabel()).isEqualTo("ipp-class");
            assertThat(p.ipp().nodeKey()).isEqualTo("ipp");
            assertThat(p.ipp().nodeValue()).isEqualTo("true");
            assertThat(p.ipp().onePerNodeForReplicasets()).isFalse();
            assertThat(p.annotationWriters()).isEmpty();
            assertThat(p.tls().mode()).isEqualTo(WebhookProperties.Tls.TlsMode.FILES);
            assertThat(p.tls().dir()).isEqualTo("/tls");
            assertThat(p.requestDeadline()).isEqualTo(Duration.ofSeconds(2));
            assertThat(p.failureMode()).isEqualTo(WebhookProperties.FailureMode.ALLOW);
            assertThat(p.sandbox().enabled()).isFalse();
            assertThat(p.containers().policy()).isEqualTo(ContainerPolicy.defaults());
        });
    }

    @Test
    void contractSpellingsBind() {
        runner.withPropertyValues(
                        "sysched.webhook.mode=enforce",
                        "sysched.webhook.tls.mode=self-signed",
                        "sysched.webhook.spo.scope=cluster",
                        "sysched.webhook.ipp.mode=fast",
                        "sysched.webhook.exempt-namespaces=kube-system,sysched-system",
                        "sysched.webhook.containers.unprofiled=runtime-default",
                        "sysched.webhook.containers.init=ignore")
                .run(context -> {
                    WebhookProperties p = context.getBean(WebhookProperties.class);
                    assertThat(p.mode()).isEqualTo(WebhookProperties.Mode.ENFORCE);
                    assertThat(p.tls().mode()).isEqualTo(WebhookProperties.Tls.TlsMode.SELF_SIGNED);
                    assertThat(p.spo().scope()).isEqualTo(WebhookProperties.Spo.Scope.CLUSTER);
                    assertThat(p.ipp().mode()).isEqualTo(WebhookProperties.Ipp.IppMode.FAST);
                    assertThat(p.exemptNamespaces()).containsExactlyInAnyOrder("kube-system", "sysched-system");
                    assertThat(p.containers().policy())
                            .isEqualTo(new ContainerPolicy(
                                    ContainerPolicy.Unprofiled.RUNTIME_DEFAULT, ContainerPolicy.InitContainers.IGNORE));
                });
    }

    @Test
    void invalidValuesFailAtStartup() {
        runner.withPropertyValues("sysched.webhook.opt-in-label=")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("sysched.webhook.ipp.class-label= ")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("sysched.webhook.mode=sometimes")
                .run(context -> assertThat(context).hasFailed());
        runner.withPropertyValues("sysched.webhook.containers.unprofiled=unconfined")
                .run(context -> assertThat(context).hasFailed());
    }
}
