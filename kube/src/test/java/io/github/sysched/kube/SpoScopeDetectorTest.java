package io.github.sysched.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.testsupport.TestResources;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The scope is configured or read from the CRD, never assumed; failed reads back off 0.5 s → 30 s. */
class SpoScopeDetectorTest {

    private static CustomResourceDefinition crd(String resource) {
        return TestResources.read(resource, CustomResourceDefinition.class);
    }

    private static final Object ABSENT = new Object();

    /** Answers the queued results in order (null = CRD absent, a RuntimeException is thrown), then the last again. */
    private static Supplier<CustomResourceDefinition> reads(Object... results) {
        Deque<Object> queue = new ArrayDeque<>(List.of(results));
        return () -> {
            Object next = queue.size() > 1 ? queue.poll() : queue.peek();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            return next == ABSENT ? null : (CustomResourceDefinition) next;
        };
    }

    @Test
    void absentCrdIsNotAScopeAndTheRetryBacksOffToThirtySeconds() {
        SpoScopeDetector detector = SpoScopeDetector.fromCrd(reads(ABSENT));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            SpoScopeDetector.Attempt attempt = detector.attempt();
            assertThat(attempt.known()).isFalse();
            assertThat(attempt.scope()).isNull();
            assertThat(attempt.problem())
                    .isEqualTo("CRD seccompprofiles.security-profiles-operator.x-k8s.io not found (is SPO installed?)");
            delays.add(attempt.retryIn().toMillis());
        }
        System.out.println("SCOPE detection backoff (ms): " + delays);
        assertThat(delays).containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L, 30000L);
    }

    @Test
    void unreadableOrInvalidCrdIsAProblemNotAFailure() {
        CustomResourceDefinition unknownScope = crd("/spo-crds/v0.10.1/seccompprofile.yaml");
        unknownScope.getSpec().setScope("Global");
        SpoScopeDetector detector = SpoScopeDetector.fromCrd(reads(
                new KubernetesClientException("Forbidden: cannot get customresourcedefinitions", 403, null),
                unknownScope,
                crd("/spo-crds/v0.8.4/seccompprofile.yaml")));

        assertThat(detector.attempt().problem())
                .startsWith("cannot read CRD seccompprofiles.security-profiles-operator" + ".x-k8s.io: Forbidden");
        assertThat(detector.attempt().problem()).contains("unknown CRD scope 'Global'");
        SpoScopeDetector.Attempt found = detector.attempt();
        assertThat(found.known()).isTrue();
        assertThat(found.scope()).isEqualTo(SpoScope.NAMESPACED);
        assertThat(found.problem()).isNull();
    }

    @Test
    void configuredScopeNeverReadsTheCrd() {
        SpoScopeDetector detector = SpoScopeDetector.configured(SpoScope.NAMESPACED);
        assertThat(detector.attempt().scope()).isEqualTo(SpoScope.NAMESPACED);
    }

    @Test
    void awaitReportsEachProblemUntilTheCrdAppears() throws InterruptedException {
        List<String> problems = new ArrayList<>();
        SpoScopeDetector detector =
                SpoScopeDetector.fromCrd(reads(ABSENT, crd("/spo-crds/v0.10.1/seccompprofile.yaml")));
        assertThat(detector.await(() -> true, attempt -> problems.add(attempt.problem())))
                .isEqualTo(SpoScope.CLUSTER);
        assertThat(problems).hasSize(1).allSatisfy(p -> assertThat(p).contains("not found"));
    }

    @Test
    void awaitGivesUpWhenTheCallerStops() throws InterruptedException {
        int[] reads = {0};
        SpoScopeDetector detector = SpoScopeDetector.fromCrd(() -> {
            reads[0]++;
            return null;
        });
        assertThat(detector.await(() -> false, attempt -> {})).isNull();
        assertThat(reads[0]).isZero();
    }
}
