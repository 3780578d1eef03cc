package io.github.sysched.scheduler.extender;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ClusterState;
import io.github.sysched.scheduler.state.InFlightPods;
import io.github.sysched.scoring.ExsEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The extender's request path: {@link ExtenderServlet} on the main port, mapped to its verbs only (anything else
 * falls through to Spring's 404), with its reader, decoder, writer, metrics and warm-up.
 */
@Configuration(proxyBeanMethods = false)
public class ExtenderConfiguration {

    /**
     * Every {@link ExtenderObserver} bean hears of each answer (io.github.sysched.scheduler.decisions); the
     * {@link PlacementPlans} bean, when planning is on (io.github.sysched.scheduler.plan), is followed.
     */
    @Bean
    ExtenderService extenderService(
            ClusterState state,
            ClusterView view,
            InFlightPods inFlight,
            Leadership leadership,
            SchedulerProperties properties,
            ObjectProvider<ExtenderObserver> observers,
            ObjectProvider<PlacementPlans> plans) {
        return new ExtenderService(
                state,
                view,
                inFlight,
                leadership,
                properties.scoring().extenderScoring(),
                ExtenderObserver.all(observers.orderedStream().toList()),
                plans.getIfAvailable(() -> PlacementPlans.NONE));
    }

    @Bean
    ExtenderRequestReader extenderRequestReader(SchedulerProperties properties) {
        return new ExtenderRequestReader(properties.maxRequestSize().toBytes());
    }

    @Bean
    ExtenderMetrics extenderMetrics(MeterRegistry registry) {
        return new ExtenderMetrics(registry);
    }

    @Bean
    ExtenderWarmUp extenderWarmUp(
            ExsEngine engine,
            KubernetesClient client,
            ServerProperties server,
            ObjectProvider<SslBundles> bundles,
            ApplicationContext context) {
        Ssl ssl = server.getSsl();
        Supplier<SSLContext> tls = null;
        if (Ssl.isEnabled(ssl) && ssl.getBundle() != null) {
            String bundle = ssl.getBundle();
            tls = () -> bundles.getObject().getBundle(bundle).createSslContext();
        }
        return new ExtenderWarmUp(
                engine,
                client.getKubernetesSerialization(),
                new ExtenderWarmUp.Port(
                        server.getAddress(),
                        () -> ((WebServerApplicationContext) context)
                                .getWebServer()
                                .getPort(),
                        tls));
    }

    @Bean
    ServletRegistrationBean<ExtenderServlet> extenderServlet(
            ExtenderRequestReader reader,
            ExtenderService service,
            ObjectProvider<BindController> binder,
            ExtenderMetrics metrics,
            ExtenderWarmUp warmUp) {
        ExtenderServlet servlet = new ExtenderServlet(
                reader,
                new ExtenderRequestDecoder(new NodeNameTable()),
                new ExtenderAnswerWriter(),
                service,
                binder.getIfAvailable(),
                metrics,
                warmUp);
        warmUp.use(servlet);
        ServletRegistrationBean<ExtenderServlet> registration =
                new ServletRegistrationBean<>(servlet, "/filter", "/prioritize", "/preempt", "/bind", "/noop");
        registration.setName("extender");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
