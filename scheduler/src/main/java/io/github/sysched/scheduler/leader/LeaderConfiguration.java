package io.github.sysched.scheduler.leader;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.boot.ReadinessContributor;
import io.github.sysched.scheduler.config.SchedulerProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.filter.OncePerRequestFilter;

/** {@code sysched.scheduler.leader-election.*}: the {@link Leadership} the verbs ask, its lifecycle and edge. */
@Configuration(proxyBeanMethods = false)
public class LeaderConfiguration {

    @Bean
    Leadership leadership(
            SchedulerProperties properties,
            KubernetesClient client,
            ClusterView view,
            Environment environment,
            ServerProperties server) {
        if (!properties.leaderElection().enabled()) {
            return Leadership.ALWAYS;
        }
        return new LeaderElection(
                client,
                view,
                properties.leaderElection(),
                System.getenv(),
                () -> environment.getProperty("local.server.port", Integer.class, 8888),
                Ssl.isEnabled(server.getSsl()) ? "https" : "http",
                () -> environment.getProperty(
                        "local.management.port",
                        Integer.class,
                        environment.getProperty("local.server.port", Integer.class, 8888)));
    }

    /** Starts after the web server (its port goes into the EndpointSlice), releases the Lease before it stops. */
    @Bean
    SmartLifecycle leaderElectionLifecycle(Leadership leadership) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                if (leadership instanceof LeaderElection election) {
                    election.start();
                }
            }

            @Override
            public void stop() {
                if (leadership instanceof LeaderElection election) {
                    election.stop();
                }
            }

            @Override
            public boolean isRunning() {
                return leadership instanceof LeaderElection election && election.isRunning();
            }

            @Override
            public int getPhase() {
                return Integer.MAX_VALUE;
            }
        };
    }

    /** Readiness details: whether this replica answers and who leads. */
    @Bean
    ReadinessContributor leaderReadiness(Leadership leadership) {
        return new ReadinessContributor() {
            @Override
            public Map<String, Object> details() {
                return leadership == Leadership.ALWAYS
                        ? Map.of()
                        : Map.of("leader", leadership.leading(), "leaderIdentity", leadership.leader());
            }
        };
    }

    /**
     * A replica that does not lead answers with {@code Connection: close}: kube-scheduler's keep-alive connection
     * would otherwise stay with it after a new leader took over, since the Service only routes new connections.
     */
    @Bean
    FilterRegistrationBean<OncePerRequestFilter> closeConnectionsToFollowers(Leadership leadership) {
        FilterRegistrationBean<OncePerRequestFilter> registration =
                new FilterRegistrationBean<>(new OncePerRequestFilter() {
                    @Override
                    protected void doFilterInternal(
                            HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                            throws ServletException, IOException {
                        if (!leadership.leading()) {
                            response.setHeader("Connection", "close");
                        }
                        chain.doFilter(request, response);
                    }
                });
        registration.addUrlPatterns("/filter", "/prioritize", "/bind", "/preempt");
        return registration;
    }
}
