package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.github.sysched.spo.SpoApi;
import io.github.sysched.spo.SpoScope;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one policy for finding the {@link SpoScope}, shared by the webhook and the scheduler extender: a
 * configured scope is used as is; otherwise the scope is what the installed
 * {@code seccompprofiles.security-profiles-operator.x-k8s.io} CRD declares, and it is never assumed. While the
 * CRD is absent or unreadable the scope stays unknown, the caller stays not ready with {@link Attempt#problem()}
 * as the reason, and asks again after a backoff ({@link #FIRST_RETRY}, doubling up to {@link #MAX_RETRY}).
 *
 * <p>Reading the CRD is the caller's {@code readCrd} (an API call that returns null when the CRD does not
 * exist); {@link ClusterView} runs {@link #await} on its starter thread.
 */
public final class SpoScopeDetector {

    public static final Duration FIRST_RETRY = Duration.ofMillis(500);
    public static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /** One try: the scope, or why it is unknown and how long to wait before the next try. */
    public record Attempt(SpoScope scope, String problem, Duration retryIn) {
        public boolean known() {
            return scope != null;
        }
    }

    private final SpoScope configured;
    private final Supplier<CustomResourceDefinition> readCrd;
    private Duration nextRetry = FIRST_RETRY;

    private SpoScopeDetector(SpoScope configured, Supplier<CustomResourceDefinition> readCrd) {
        this.configured = configured;
        this.readCrd = readCrd;
    }

    /** An explicitly configured scope: no detection, the CRD is never read. */
    public static SpoScopeDetector configured(SpoScope scope) {
        return new SpoScopeDetector(Objects.requireNonNull(scope, "scope"), null);
    }

    /** Detection from the CRD; {@code readCrd} returns the CRD, null when it does not exist, or throws. */
    public static SpoScopeDetector fromCrd(Supplier<CustomResourceDefinition> readCrd) {
        return new SpoScopeDetector(null, Objects.requireNonNull(readCrd, "readCrd"));
    }

    /** One try; each failed try doubles the delay before the next, up to {@link #MAX_RETRY}. */
    public synchronized Attempt attempt() {
        if (configured != null) {
            return new Attempt(configured, null, Duration.ZERO);
        }
        CustomResourceDefinition crd;
        try {
            crd = readCrd.get();
        } catch (RuntimeException e) {
            return failed("cannot read CRD " + SpoApi.SECCOMP_PROFILE_CRD + ": " + e.getMessage());
        }
        if (crd == null) {
            return failed("CRD " + SpoApi.SECCOMP_PROFILE_CRD + " not found (is SPO installed?)");
        }
        try {
            return new Attempt(SpoScope.of(crd), null, Duration.ZERO);
        } catch (IllegalArgumentException e) {
            return failed("CRD " + SpoApi.SECCOMP_PROFILE_CRD + ": " + e.getMessage());
        }
    }

    private Attempt failed(String problem) {
        Duration retryIn = nextRetry;
        nextRetry = nextRetry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : nextRetry.multipliedBy(2);
        return new Attempt(null, problem, retryIn);
    }

    /**
     * Tries until the scope is known and returns it; each failed try goes to {@code onProblem} (for the log and
     * the readiness reason) before the wait. Returns null as soon as {@code keepGoing} answers false.
     *
     * @throws InterruptedException when the thread is interrupted while waiting (the caller is stopping)
     */
    public SpoScope await(BooleanSupplier keepGoing, Consumer<Attempt> onProblem) throws InterruptedException {
        while (keepGoing.getAsBoolean()) {
            Attempt attempt = attempt();
            if (attempt.known()) {
                return attempt.scope();
            }
            onProblem.accept(attempt);
            TimeUnit.MILLISECONDS.sleep(attempt.retryIn().toMillis());
        }
        return null;
    }
}
