package io.github.sysched.scheduler.config;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.springframework.context.SmartLifecycle;

/**
 * A task run on one daemon thread of its own, {@code delay} after each run ends (the first {@code delay} after start),
 * while the application runs: the rebalancer's decisions, the plan of the known demand. A run that throws is logged
 * and the next one comes as usual.
 */
public final class BackgroundLoop implements SmartLifecycle {

    private final String threadName;
    private final long delayMillis;
    private final Runnable task;
    private final Logger log;
    private final String onFailure;
    private volatile ScheduledExecutorService executor;

    /** @param onFailure what the warning says when a run throws */
    public BackgroundLoop(String threadName, Duration delay, Runnable task, Logger log, String onFailure) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.delayMillis = delay.toMillis();
        this.task = Objects.requireNonNull(task, "task");
        this.log = Objects.requireNonNull(log, "log");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    @Override
    public void start() {
        ScheduledExecutorService started = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, threadName);
            thread.setDaemon(true);
            return thread;
        });
        started.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.warn(onFailure, e);
                    }
                },
                delayMillis,
                delayMillis,
                TimeUnit.MILLISECONDS);
        executor = started;
    }

    @Override
    public void stop() {
        ScheduledExecutorService running = executor;
        if (running != null) {
            running.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
