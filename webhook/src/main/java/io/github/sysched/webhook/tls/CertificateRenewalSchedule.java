package io.github.sysched.webhook.tls;

import io.github.sysched.webhook.config.WebhookProperties;
import io.github.sysched.webhook.config.WebhookProperties.Tls.TlsMode;
import jakarta.annotation.PreDestroy;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * {@code tls.mode=self-signed}: once the application is ready, runs {@link SelfSignedTlsBootstrap#check()} every
 * {@code tls.check-interval} on one daemon thread. A failing check is logged and retried at the next interval.
 */
@Component
public class CertificateRenewalSchedule {

    private static final Logger log = LoggerFactory.getLogger(CertificateRenewalSchedule.class);

    private final SelfSignedTlsBootstrap bootstrap;
    private final WebhookProperties.Tls tls;
    private ScheduledExecutorService executor;

    public CertificateRenewalSchedule(SelfSignedTlsBootstrap bootstrap, WebhookProperties properties) {
        this.bootstrap = bootstrap;
        this.tls = properties.tls();
    }

    @EventListener(ApplicationReadyEvent.class)
    public synchronized void start() {
        if (tls.mode() != TlsMode.SELF_SIGNED || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "tls-renewal");
            thread.setDaemon(true);
            return thread;
        });
        long interval = tls.checkInterval().toMillis();
        executor.scheduleWithFixedDelay(this::runCheck, interval, interval, TimeUnit.MILLISECONDS);
        log.info("checking the self-signed certificates every {}", tls.checkInterval());
    }

    @PreDestroy
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    private void runCheck() {
        try {
            bootstrap.check();
        } catch (RuntimeException e) {
            log.error("certificate check failed (next try in {}): {}", tls.checkInterval(), e.getMessage(), e);
        }
    }
}
