package io.github.sysched.architecture;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import io.github.sysched.architecture.violations.Violations;
import io.github.sysched.kube.violation.KubeCoreUsingSpring;
import io.github.sysched.scheduler.violation.SchedulerUsingTheWebhook;
import io.github.sysched.webhook.violation.WebhookUsingTheScheduler;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each boundary holds for the modules as built, and fails on a deliberate violation (so that a rule which could
 * never fail would show here). The violations live in this module's tests, in the packages the rules speak of.
 */
class BoundariesTest {

    static Stream<Arguments> boundaries() {
        return Stream.of(
                Arguments.of(
                        Boundaries.COMMON_WITHOUT_SPRING, new Module[] {Module.COMMON}, Violations.UsesSpring.class),
                Arguments.of(
                        Boundaries.COMMON_WITHOUT_THREADS,
                        new Module[] {Module.COMMON},
                        Violations.StartsAThread.class),
                Arguments.of(
                        Boundaries.COMMON_WITHOUT_THREADS,
                        new Module[] {Module.COMMON},
                        Violations.UsesAnExecutor.class),
                Arguments.of(Boundaries.COMMON_WITHOUT_THREADS, new Module[] {Module.COMMON}, Violations.Sleeps.class),
                Arguments.of(
                        Boundaries.COMMON_WITHOUT_CLIENT, new Module[] {Module.COMMON}, Violations.BuildsAClient.class),
                Arguments.of(
                        Boundaries.COMMON_WITHOUT_CLIENT,
                        new Module[] {Module.COMMON},
                        Violations.HoldsAnInformer.class),
                Arguments.of(Boundaries.COMMON_WITHOUT_HTTP, new Module[] {Module.COMMON}, Violations.CallsHttp.class),
                Arguments.of(
                        Boundaries.ONLY_KUBE_WATCHES,
                        new Module[] {Module.COMMON, Module.SIMULATOR, Module.WEBHOOK, Module.SCHEDULER},
                        Violations.HoldsAnInformer.class),
                Arguments.of(
                        Boundaries.KUBE_CORE_WITHOUT_SPRING, new Module[] {Module.KUBE}, KubeCoreUsingSpring.class),
                Arguments.of(
                        Boundaries.WEBHOOK_WITHOUT_SCHEDULER,
                        new Module[] {Module.WEBHOOK},
                        WebhookUsingTheScheduler.class),
                Arguments.of(
                        Boundaries.SCHEDULER_WITHOUT_WEBHOOK,
                        new Module[] {Module.SCHEDULER},
                        SchedulerUsingTheWebhook.class));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boundaries")
    void holdsForTheModules(ArchRule rule, Module[] modules, Class<?> violation) {
        for (Module module : modules) {
            rule.check(module.classes());
        }
    }

    @ParameterizedTest(name = "{0}: rejects {2}")
    @MethodSource("boundaries")
    void failsOnADeliberateViolation(ArchRule rule, Module[] modules, Class<?> violation) {
        JavaClasses violating = new ClassFileImporter().importClasses(violation);
        assertThatThrownBy(() -> rule.check(violating))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(violation.getName());
    }
}
