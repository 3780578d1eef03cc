package io.github.sysched.webhook.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** Polls a readiness status every 100ms on its own thread and keeps each change, with when it was seen. */
final class ReadinessRecorder implements AutoCloseable {

    /** A status first seen {@code atMillis} after the recorder started. */
    record Change(long atMillis, String status) {
        @Override
        public String toString() {
            return status + "@" + atMillis + "ms";
        }
    }

    private final Supplier<String> status;
    private final long startNanos = System.nanoTime();
    private final List<Change> changes = new ArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    ReadinessRecorder(Supplier<String> status) {
        this.status = status;
        this.poller = new Thread(this::poll, "readiness-recorder");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running) {
            String now;
            try {
                now = status.get();
            } catch (RuntimeException e) {
                now = "UNREACHABLE";
            }
            synchronized (this) {
                if (changes.isEmpty()
                        || !changes.get(changes.size() - 1).status().equals(now)) {
                    changes.add(new Change(millis(), now));
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    synchronized Change lastChange() {
        return changes.isEmpty() ? new Change(0, "") : changes.get(changes.size() - 1);
    }

    /** The status last seen ("" before the first poll). */
    String last() {
        return lastChange().status();
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
