package io.github.sysched.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WatchHealthTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicBoolean watching = new AtomicBoolean(true);
    private final AtomicBoolean running = new AtomicBoolean(true);

    private SharedIndexInformer<?> informer() {
        return (SharedIndexInformer<?>) Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {SharedIndexInformer.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isWatching" -> watching.get();
                    case "isRunning" -> running.get();
                    case "lastSyncResourceVersion" -> "42";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void aWatchIsLostOnlyAfterTheGraceAndComesBack() {
        WatchHealth health = new WatchHealth(Duration.ofSeconds(5), now::get);
        health.track("pods", informer());
        assertThat(health.problem()).isEmpty();

        watching.set(false);
        health.sample();
        advance(Duration.ofSeconds(5));
        assertThat(health.lost())
                .as("a reconnect within the grace is not a loss")
                .isEmpty();
        advance(Duration.ofSeconds(2));
        assertThat(health.lost()).containsExactly("pods for 7s (last resourceVersion 42)");
        assertThat(health.problem()).startsWith("watch lost, answering from the last state seen: pods for 7s");

        watching.set(true);
        assertThat(health.problem()).isEmpty();
    }

    @Test
    void twoShortGapsSeenBySamplingAreNotOneLongLoss() {
        WatchHealth health = new WatchHealth(Duration.ofSeconds(5), now::get);
        health.track("pods", informer());
        watching.set(false);
        health.sample();
        advance(Duration.ofSeconds(3));
        watching.set(true);
        health.sample();
        advance(Duration.ofSeconds(1));
        watching.set(false);
        health.sample();
        advance(Duration.ofSeconds(3));
        assertThat(health.lost()).isEmpty();
    }

    @Test
    void aStoppedInformerIsLostAtOnce() {
        WatchHealth health = new WatchHealth(Duration.ofSeconds(5), now::get);
        health.track("namespaces", informer());
        running.set(false);
        assertThat(health.lost()).containsExactly("namespaces (informer stopped)");
    }
}
