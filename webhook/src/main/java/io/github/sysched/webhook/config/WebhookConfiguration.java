package io.github.sysched.webhook.config;

import io.github.sysched.kube.AnnotationKeyDirectory;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class WebhookConfiguration {

    /**
     * Runs the handlers of one admission request so the servlet thread can give up at the request deadline.
     * Bounded: when every worker is busy and the queue is full the request fails fast (failure mode applies).
     */
    @Bean(destroyMethod = "shutdownNow")
    public ExecutorService admissionExecutor() {
        int threads = Math.max(4, Runtime.getRuntime().availableProcessors() * 4);
        AtomicInteger count = new AtomicInteger();
        return new ThreadPoolExecutor(
                threads,
                threads,
                60,
                TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1024),
                r -> {
                    Thread t = new Thread(r, "admission-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** The key that signs our annotations ({@code sysched.webhook.annotations.key-dir}), re-read every check interval. */
    @Bean(initMethod = "start", destroyMethod = "close")
    public AnnotationKeyDirectory annotationKeys(WebhookProperties properties) {
        String dir = properties.annotations().keyDir();
        return new AnnotationKeyDirectory(
                dir.isEmpty() ? null : Path.of(dir), properties.annotations().keyCheckInterval());
    }
}
