package io.github.sysched.kube;

import io.github.sysched.annotation.AnnotationSignature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The annotation signing keys both services share ({@link AnnotationSignature}), as the chart mounts them: a
 * directory (the Secret {@code <fullname>-annotation-keys}, mounted whole so rotations reach the pods) with the file
 * {@code current} and, during a rotation, {@code previous}, each holding the key's raw bytes (at least 32).
 *
 * <p>Read at {@link #start()} and again every {@code checkInterval}; when the key ids change, the {@link #onChange}
 * listeners run (the extender re-verifies the pods whose signature named an unknown key). Without a directory, or
 * while {@code current} is missing or unusable, there are no keys ({@link #problem()} says why): the webhook then
 * signs nothing and the extender trusts no annotation.
 */
public final class AnnotationKeyDirectory implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AnnotationKeyDirectory.class);

    private final Path directory;
    private final Duration checkInterval;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile AnnotationSignature.KeyRing keys;
    private volatile String problem = "not read yet";
    private ScheduledExecutorService checker;

    /** @param directory null: no keys at all */
    public AnnotationKeyDirectory(Path directory, Duration checkInterval) {
        this.directory = directory;
        this.checkInterval = Objects.requireNonNull(checkInterval, "checkInterval");
    }

    /** The keys in force, if any. */
    public Optional<AnnotationSignature.KeyRing> keys() {
        return Optional.ofNullable(keys);
    }

    /** Why there are no keys (empty when there are). */
    public String problem() {
        return keys == null ? problem : "";
    }

    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    /** Reads the keys now and then every {@code checkInterval}. */
    public synchronized void start() {
        check();
        if (directory != null && checker == null) {
            checker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread thread = new Thread(task, "annotation-keys");
                thread.setDaemon(true);
                return thread;
            });
            checker.scheduleWithFixedDelay(
                    this::check, checkInterval.toMillis(), checkInterval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void close() {
        if (checker != null) {
            checker.shutdownNow();
            checker = null;
        }
    }

    /** Reads the directory; runs the listeners when the key ids changed. */
    public void check() {
        AnnotationSignature.KeyRing before = keys;
        AnnotationSignature.KeyRing after;
        String why = "";
        if (directory == null) {
            after = null;
            why = "no annotation key directory configured";
        } else {
            try {
                AnnotationSignature.Key current = read("current");
                if (current == null) {
                    after = null;
                    why = directory.resolve("current") + " not found";
                } else {
                    AnnotationSignature.Key previous = read("previous");
                    after = new AnnotationSignature.KeyRing(current, previous);
                }
            } catch (IOException | IllegalArgumentException e) {
                after = null;
                why = "cannot read the annotation keys in " + directory + ": " + e.getMessage();
            }
        }
        keys = after;
        problem = why;
        List<String> idsBefore = before == null ? List.of() : before.ids();
        List<String> idsAfter = after == null ? List.of() : after.ids();
        if (!idsBefore.equals(idsAfter)) {
            if (after == null) {
                log.warn("{}: the webhook signs no annotation and the extender trusts none", why);
            } else {
                log.info(
                        "annotation keys in force: {} (signing with {})",
                        idsAfter,
                        after.current().id());
            }
            listeners.forEach(Runnable::run);
        }
    }

    private AnnotationSignature.Key read(String name) throws IOException {
        try {
            byte[] bytes = Files.readAllBytes(directory.resolve(name));
            return bytes.length == 0 ? null : AnnotationSignature.Key.of(bytes);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
