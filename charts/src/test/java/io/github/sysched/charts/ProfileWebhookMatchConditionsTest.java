package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.NullValue;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MatchCondition;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * With {@code failurePolicy: Fail}, every write that reaches the profiles webhook fails while it is down. The
 * Security Profiles Operator's own controllers update SeccompProfiles and ProfileBindings for finalizers and
 * labels (metadata only) and their status (status subresource, not in the rules): those must never reach it.
 * The rendered {@code matchConditions} are compiled and evaluated with CEL (cel-java) against such requests, as
 * the API server evaluates them (all conditions true = the webhook is called).
 */
class ProfileWebhookMatchConditionsTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("object", SimpleType.DYN)
            .addVar("oldObject", SimpleType.DYN)
            .addVar("request", SimpleType.DYN)
            .build();
    private static final CelRuntime RUNTIME =
            CelRuntimeFactory.standardCelRuntimeBuilder().build();

    private static Map<String, Object> profile(
            Map<String, Object> metadata, Map<String, Object> spec, Map<String, Object> status) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "security-profiles-operator.x-k8s.io/v1beta1");
        object.put("kind", "SeccompProfile");
        object.put("metadata", metadata);
        if (spec != null) {
            object.put("spec", spec);
        }
        if (status != null) {
            object.put("status", status);
        }
        return object;
    }

    private static final Map<String, Object> META = Map.of("name", "nginx-seccomp");
    private static final Map<String, Object> SPEC = Map.of(
            "defaultAction",
            "SCMP_ACT_ERRNO",
            "syscalls",
            List.of(Map.of("action", "SCMP_ACT_ALLOW", "names", List.of("read", "write"))));

    private static boolean reachesWebhook(
            List<MatchCondition> conditions, String operation, Object object, Object oldObject) throws Exception {
        Map<String, Object> variables =
                Map.of("request", Map.of("operation", operation), "object", object, "oldObject", oldObject);
        for (MatchCondition condition : conditions) {
            Object result = RUNTIME.createProgram(
                            COMPILER.compile(condition.getExpression()).getAst())
                    .eval(variables);
            if (!Boolean.TRUE.equals(result)) {
                return false;
            }
        }
        return true;
    }

    private static ValidatingWebhook profilesWebhook(Rendered r) {
        return r.all(ValidatingWebhookConfiguration.class).stream()
                .flatMap(c -> c.getWebhooks().stream())
                .filter(w -> w.getName().equals("validate.profiles.exs.sysched.io"))
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void onlyCreatesAndSpecChangesReachTheProfilesWebhook(String valueSet) throws Exception {
        List<MatchCondition> conditions = profilesWebhook(render(valueSet)).getMatchConditions();
        assertThat(conditions).isNotEmpty();

        Object stored = profile(META, SPEC, null);
        assertThat(reachesWebhook(conditions, "CREATE", stored, NullValue.NULL_VALUE))
                .as("CREATE")
                .isTrue();

        Map<String, Object> changedSpec = new LinkedHashMap<>(SPEC);
        changedSpec.put("baseProfileName", "runc-v1.1.12");
        assertThat(reachesWebhook(conditions, "UPDATE", profile(META, changedSpec, null), stored))
                .as("UPDATE that changes the spec")
                .isTrue();
        assertThat(reachesWebhook(
                        conditions, "UPDATE", profile(META, Map.of("defaultAction", "SCMP_ACT_ALLOW"), null), stored))
                .as("UPDATE that replaces the spec")
                .isTrue();
        assertThat(reachesWebhook(conditions, "UPDATE", profile(META, null, null), stored))
                .as("UPDATE that removes the spec (the webhook judges it)")
                .isTrue();

        Map<String, Object> withFinalizer =
                Map.of("name", "nginx-seccomp", "finalizers", List.of("active-seccomp-profile-lock"));
        assertThat(reachesWebhook(conditions, "UPDATE", profile(withFinalizer, SPEC, null), stored))
                .as("SPO adding its finalizer")
                .isFalse();
        assertThat(reachesWebhook(conditions, "UPDATE", profile(META, SPEC, null), profile(withFinalizer, SPEC, null)))
                .as("SPO removing its finalizer")
                .isFalse();
        assertThat(reachesWebhook(
                        conditions,
                        "UPDATE",
                        profile(
                                Map.of(
                                        "name",
                                        "nginx-seccomp",
                                        "labels",
                                        Map.of("spo.x-k8s.io/profile-id", "SeccompProfile-nginx-seccomp")),
                                SPEC,
                                null),
                        stored))
                .as("SPO labelling the profile")
                .isFalse();
        assertThat(reachesWebhook(conditions, "UPDATE", profile(META, SPEC, Map.of("status", "Installed")), stored))
                .as("a status change through the main resource")
                .isFalse();
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void thePodWebhooksKeepSeeingEveryUpdate(String valueSet) {
        Rendered r = render(valueSet);
        // the pod validation guards our annotations, which live in metadata: no condition may filter UPDATEs there
        assertThat(r.all(ValidatingWebhookConfiguration.class))
                .flatExtracting(ValidatingWebhookConfiguration::getWebhooks)
                .filteredOn(w -> !w.getName().equals("validate.profiles.exs.sysched.io"))
                .allSatisfy(w -> assertThat(w.getMatchConditions()).isNullOrEmpty());
        assertThat(r.all(MutatingWebhookConfiguration.class))
                .flatExtracting(MutatingWebhookConfiguration::getWebhooks)
                .allSatisfy(w -> assertThat(w.getMatchConditions()).isNullOrEmpty());
    }
}
