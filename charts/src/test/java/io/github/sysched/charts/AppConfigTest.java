package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** application.yaml reaches the apps (ConfigMap → /config → SPRING_CONFIG_ADDITIONAL_LOCATION) with CONTRACTS.md keys. */
class AppConfigTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

    /** Keys of sysched.webhook.* allowed by docs/CONTRACTS.md. */
    static final Set<String> WEBHOOK_KEYS = Set.of(
            "mode",
            "opt-in-label",
            "all-namespaces",
            "exempt-namespaces",
            "spo",
            "default-profile",
            "binding",
            "ipp",
            "annotation-writers",
            "tls",
            "request-deadline",
            "failure-mode",
            "max-request-size",
            "sandbox",
            "containers",
            "annotations",
            "replica-spread");

    static final Set<String> SCHEDULER_KEYS = Set.of(
            "default-profile",
            "weights",
            "scoring",
            "ipp",
            "bind",
            "spo",
            "containers",
            "in-flight",
            "leader-election",
            "annotations",
            "events",
            "rebalancer");

    /** Follows the Deployment's /config mount to its ConfigMap and parses application.yaml. */
    static Map<String, Object> appConfig(Rendered r, Deployment d) {
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        EnvVar loc = c.getEnv().stream()
                .filter(e -> e.getName().equals("SPRING_CONFIG_ADDITIONAL_LOCATION"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no SPRING_CONFIG_ADDITIONAL_LOCATION"));
        assertThat(loc.getValue()).isEqualTo("file:/config/");
        VolumeMount mount = c.getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/config"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("nothing mounted at /config"));
        assertThat(mount.getSubPath()).isNull();
        Volume v = pod.getVolumes().stream()
                .filter(x -> x.getName().equals(mount.getName()))
                .findFirst()
                .orElseThrow();
        assertThat(v.getConfigMap()).as("/config volume is a ConfigMap").isNotNull();
        assertThat(v.getConfigMap().getItems())
                .as("whole ConfigMap, file name application.yaml")
                .isNullOrEmpty();
        return r.configMapYaml(v.getConfigMap().getName(), "application.yaml");
    }

    static Map<String, Object> webhookConfig(Rendered r, Deployment d) {
        return appConfig(r, d);
    }

    static Deployment webhook(Rendered r) {
        return r.deployment(Webhooks.of(r).get(0).clientConfig().getService().getName());
    }

    static Deployment scheduler(Rendered r) {
        return r.all(Deployment.class).stream()
                .filter(d -> d.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().stream()
                        .anyMatch(p -> p.getContainerPort() == 8888))
                .findFirst()
                .orElseThrow();
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void webhookPropertiesFollowTheContract(String valueSet) {
        Rendered r = render(valueSet);
        Map<String, Object> app = webhookConfig(r, webhook(r));
        Map<String, Object> webhook = Rendered.at(app, "sysched.webhook");
        assertThat(webhook.keySet()).as("only contract keys").isSubsetOf(WEBHOOK_KEYS);
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.exempt-namespaces"))
                .contains("kube-system", NAMESPACE);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.mode")).isIn("annotate", "enforce");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.opt-in-label")).isEqualTo("spo.x-k8s.io/enable-binding");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.all-namespaces")).isEqualTo(false);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.spo.scope")).isEqualTo("auto");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.spo.version")).isEqualTo("v1beta1");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.failure-mode")).isEqualTo("allow");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.max-request-size")).isEqualTo("8MB");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.sandbox.enabled")).isEqualTo(false);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.default-profile.namespace"))
                .isEqualTo("default");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.default-profile.name"))
                .isEqualTo("full-seccomp");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.binding.override-existing"))
                .isEqualTo(true);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.ipp.node-key")).isEqualTo("ipp");
        // "true" must stay a string (node label value), not become a YAML boolean
        assertThat(Rendered.<Object>at(app, "sysched.webhook.ipp.node-value")).isEqualTo("true");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.ipp.one-per-node-for-replicasets"))
                .isEqualTo(false);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.request-deadline")).isEqualTo("2s");
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.annotation-writers"))
                .contains("system:serviceaccount:" + NAMESPACE + ":"
                        + webhook(r).getSpec().getTemplate().getSpec().getServiceAccountName());
    }

    @Test
    void ippModeReachesTheWebhookAsAString() {
        // "off" unquoted is a YAML 1.1 boolean: the app must see the string.
        assertThat(Rendered.<Object>at(
                        webhookConfig(render("cert-manager"), webhook(render("cert-manager"))),
                        "sysched.webhook.ipp.mode"))
                .isEqualTo("off");
        Rendered compat = render("ipp-compat");
        assertThat(Rendered.<Object>at(webhookConfig(compat, webhook(compat)), "sysched.webhook.ipp.mode"))
                .isEqualTo("compat");
        Rendered fast = render("ipp-fast");
        Map<String, Object> app = webhookConfig(fast, webhook(fast));
        assertThat(Rendered.<Object>at(app, "sysched.webhook.ipp.mode")).isEqualTo("fast");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.ipp.class-label")).isEqualTo("tenant-class");
        // the scheduler's filter must use the same class label as the webhook
        Map<String, Object> sched = appConfig(fast, scheduler(fast));
        assertThat(Rendered.<Object>at(sched, "sysched.scheduler.ipp.class-label"))
                .isEqualTo("tenant-class");
        // and the raw text keeps the quotes so Spring's YAML loader reads a string too
        assertThat(render("cert-manager").yaml).contains("mode: \"off\"");
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void schedulerPropertiesFollowTheContract(String valueSet) {
        Rendered r = render(valueSet);
        Map<String, Object> app = appConfig(r, scheduler(r));
        Map<String, Object> s = Rendered.at(app, "sysched.scheduler");
        assertThat(s.keySet()).isSubsetOf(SCHEDULER_KEYS);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.default-profile.namespace"))
                .isEqualTo("default");
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.default-profile.name"))
                .isEqualTo("full-seccomp");
        boolean defaults = !valueSet.equals("second-scheduler-no-bind"); // bind delegation and leader election
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.bind.enabled")).isEqualTo(defaults);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.leader-election.enabled"))
                .isEqualTo(defaults);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.in-flight.max-wait"))
                .isEqualTo("100ms");
        // both services read SPO objects the same way
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.spo"))
                .isEqualTo(Rendered.at(webhookConfig(r, webhook(r)), "sysched.webhook.spo"));
        // and count a pod's containers the same way
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.containers"))
                .isEqualTo(Rendered.at(webhookConfig(r, webhook(r)), "sysched.webhook.containers"));
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.containers.unprofiled"))
                .isEqualTo("default-profile");
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.containers.init"))
                .isEqualTo("count");
        // the deployment docs/PLACEMENT.md §7 decided: the marginal score with the opening cost the sweep chose
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.scoring.mode")).isEqualTo("marginal");
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.scoring.opening-cost"))
                .isEqualTo(20);
    }

    @Test
    void scoringValuesReachTheExtender() {
        Rendered r = render(
                "cert-manager",
                Map.of("scheduler.config.scoring.mode", "upstream", "scheduler.config.scoring.openingCost", 7));
        Map<String, Object> sched = appConfig(r, scheduler(r));
        assertThat(Rendered.<Object>at(sched, "sysched.scheduler.scoring.mode")).isEqualTo("upstream");
        assertThat(Rendered.<Object>at(sched, "sysched.scheduler.scoring.opening-cost"))
                .isEqualTo(7);
    }

    @Test
    void thePlanIsOnByDefaultAndItsValuesReachTheExtender() {
        Map<String, Object> defaults = appConfig(render("cert-manager"), scheduler(render("cert-manager")));
        assertThat(Rendered.<Object>at(defaults, "sysched.scheduler.scoring.plan"))
                .isEqualTo(Map.of("enabled", true, "steps", 300000, "interval", "250ms"));

        Rendered off = render("cert-manager", Map.of("scheduler.config.scoring.plan.enabled", false));
        assertThat(Rendered.<Object>at(appConfig(off, scheduler(off)), "sysched.scheduler.scoring.plan.enabled"))
                .isEqualTo(false);

        Rendered r = render(
                "cert-manager",
                Map.of("scheduler.config.scoring.plan.steps", 1200000, "scheduler.config.scoring.plan.interval", "1s"));
        assertThat(Rendered.<Object>at(appConfig(r, scheduler(r)), "sysched.scheduler.scoring.plan"))
                .isEqualTo(Map.of("enabled", true, "steps", 1200000, "interval", "1s"));
    }

    @Test
    void theRebalancerIsOffAndInDryRunByDefaultAndItsValuesReachTheExtender() {
        Map<String, Object> defaults = appConfig(render("cert-manager"), scheduler(render("cert-manager")));
        assertThat(Rendered.<Map<String, Object>>at(defaults, "sysched.scheduler.rebalancer"))
                .containsEntry("enabled", false)
                .containsEntry("dry-run", true)
                .containsEntry("interval", "30s")
                .containsEntry("min-gain", 5)
                .containsEntry("max-per-hour", 20)
                .containsEntry("hold-back", "1h")
                .containsEntry("scheduler-name", "sysched-scheduler");
        assertThat(Rendered.<Object>at(defaults, "sysched.scheduler.rebalancer.replica-spread"))
                .as("the guard the webhook injects, from the same values")
                .isEqualTo(Map.of(
                        "enabled",
                        true,
                        "max-skew",
                        1,
                        "zones",
                        true,
                        "opt-out-label",
                        "exs.sysched.io/replica-spread"));

        Rendered r = render(
                "cert-manager",
                Map.of(
                        "scheduler.config.rebalancer.enabled",
                        true,
                        "scheduler.config.rebalancer.dryRun",
                        false,
                        "scheduler.config.rebalancer.interval",
                        "2m",
                        "scheduler.config.rebalancer.minGain",
                        10,
                        "scheduler.config.rebalancer.maxPerHour",
                        4,
                        "scheduler.config.rebalancer.holdBack",
                        "6h",
                        "secondScheduler.schedulerName",
                        "secure",
                        "replicaSpread.maxSkew",
                        2,
                        "replicaSpread.zones",
                        "off"));
        Map<String, Object> app = appConfig(r, scheduler(r));
        assertThat(Rendered.<Map<String, Object>>at(app, "sysched.scheduler.rebalancer"))
                .containsEntry("enabled", true)
                .containsEntry("dry-run", false)
                .containsEntry("interval", "2m")
                .containsEntry("min-gain", 10)
                .containsEntry("max-per-hour", 4)
                .containsEntry("hold-back", "6h")
                .containsEntry("scheduler-name", "secure");
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.rebalancer.replica-spread.max-skew"))
                .isEqualTo(2);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.rebalancer.replica-spread.zones"))
                .isEqualTo(false);
    }

    @Test
    void placementEventsAndTheDecisionLogReachTheExtender() {
        Map<String, Object> defaults = appConfig(render("cert-manager"), scheduler(render("cert-manager")));
        assertThat(Rendered.<Object>at(defaults, "sysched.scheduler.events"))
                .isEqualTo(Map.of("enabled", true, "per-second", 10, "burst", 100));
        assertThat(defaults).doesNotContainKey("logging");

        Rendered r = render(
                "cert-manager",
                Map.of(
                        "scheduler.events.enabled",
                        false,
                        "scheduler.events.perSecond",
                        2,
                        "scheduler.logDecisions",
                        true));
        Map<String, Object> app = appConfig(r, scheduler(r));
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.events.enabled")).isEqualTo(false);
        assertThat(Rendered.<Object>at(app, "sysched.scheduler.events.per-second"))
                .isEqualTo(2);
        assertThat(Rendered.<Map<String, Object>>at(app, "logging.level"))
                .containsEntry("io.github.sysched.scheduler.decisions", "debug");
    }

    @Test
    void theContainerPolicyReachesBothAppsAlike() {
        Rendered r =
                render("cert-manager", Map.of("containers.unprofiled", "runtime-default", "containers.init", "ignore"));
        Map<String, Map<String, Object>> apps = Map.of(
                "sysched.webhook", webhookConfig(r, webhook(r)), "sysched.scheduler", appConfig(r, scheduler(r)));
        apps.forEach((prefix, app) -> {
            assertThat(Rendered.<Object>at(app, prefix + ".containers.unprofiled"))
                    .isEqualTo("runtime-default");
            assertThat(Rendered.<Object>at(app, prefix + ".containers.init")).isEqualTo("ignore");
        });
    }

    @Test
    void spoSettingsAndWebhookSafetyKnobsReachTheApps() {
        Rendered r = render(
                "cert-manager",
                Map.of(
                        "spo.scope",
                        "cluster",
                        "spo.version",
                        "v1",
                        "webhook.config.failureMode",
                        "deny",
                        "webhook.config.maxRequestSize",
                        "2MB",
                        "webhook.config.sandbox.enabled",
                        true,
                        "webhook.config.sandbox.runtimeClassName",
                        "gvisor"));
        Map<String, Object> webhook = webhookConfig(r, webhook(r));
        Map<String, Object> scheduler = appConfig(r, scheduler(r));
        for (Map<String, Object> app : List.of(webhook, scheduler)) {
            String prefix = app == webhook ? "sysched.webhook" : "sysched.scheduler";
            assertThat(Rendered.<Object>at(app, prefix + ".spo.scope")).isEqualTo("cluster");
            assertThat(Rendered.<Object>at(app, prefix + ".spo.version")).isEqualTo("v1");
        }
        assertThat(Rendered.<Object>at(webhook, "sysched.webhook.failure-mode")).isEqualTo("deny");
        assertThat(Rendered.<Object>at(webhook, "sysched.webhook.max-request-size"))
                .isEqualTo("2MB");
        assertThat(Rendered.<Object>at(webhook, "sysched.webhook.sandbox.enabled"))
                .isEqualTo(true);
        assertThat(Rendered.<Object>at(webhook, "sysched.webhook.sandbox.runtime-class-name"))
                .isEqualTo("gvisor");
    }

    @Test
    void everythingSetPassesWeightsExtrasAndExtraConfig() {
        Rendered r = render("everything");
        Map<String, Object> sched = appConfig(r, scheduler(r));
        assertThat(Rendered.<Map<String, Object>>at(sched, "sysched.scheduler.weights"))
                .containsEntry("ptrace", 5)
                .containsEntry("bpf", 3);
        Map<String, Object> app = webhookConfig(r, webhook(r));
        assertThat(Rendered.<Object>at(app, "sysched.webhook.mode")).isEqualTo("enforce");
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.exempt-namespaces"))
                .containsExactly("kube-system", NAMESPACE, "monitoring", "security-profiles-operator");
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.annotation-writers"))
                .contains("system:serviceaccount:ops:tool");
        assertThat(Rendered.<Map<String, Object>>at(app, "logging.level")).containsEntry("io.github.sysched", "DEBUG");
    }

    /** The webhook signs with the key the extender verifies with: one Secret, mounted whole where each app reads it. */
    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void bothServicesReadTheSameAnnotationKeySecret(String valueSet) {
        Rendered r = render(valueSet);
        Map<Deployment, String> keyDirs = Map.of(
                webhook(r), Rendered.at(webhookConfig(r, webhook(r)), "sysched.webhook.annotations.key-dir"),
                scheduler(r), Rendered.at(appConfig(r, scheduler(r)), "sysched.scheduler.annotations.key-dir"));
        assertThat(Rendered.<Object>at(appConfig(r, scheduler(r)), "sysched.scheduler.annotations.trust"))
                .isEqualTo("signed");
        Set<String> secrets = new java.util.HashSet<>();
        keyDirs.forEach((deployment, dir) -> {
            PodSpec pod = deployment.getSpec().getTemplate().getSpec();
            VolumeMount mount = pod.getContainers().get(0).getVolumeMounts().stream()
                    .filter(m -> m.getMountPath().equals(dir))
                    .findFirst()
                    .orElseThrow(() ->
                            new AssertionError(deployment.getMetadata().getName() + ": nothing mounted at " + dir));
            assertThat(mount.getSubPath())
                    .as("whole Secret: rotations reach the pod")
                    .isNull();
            assertThat(mount.getReadOnly()).isTrue();
            Volume volume = pod.getVolumes().stream()
                    .filter(v -> v.getName().equals(mount.getName()))
                    .findFirst()
                    .orElseThrow();
            assertThat(volume.getSecret()).isNotNull();
            secrets.add(volume.getSecret().getSecretName());
        });
        assertThat(secrets).hasSize(1);
        assertThat(secrets).containsExactly("sysched-annotation-keys");
    }

    /**
     * The Secret is a pre-install hook (a random key once; upgrades never render a new key over the live one). helm-java's
     * template leaves hooks out, so this reads the template itself.
     */
    @Test
    void theAnnotationKeySecretIsCreatedOnceAtInstall() throws java.io.IOException {
        String template =
                java.nio.file.Files.readString(ChartRenderer.CHART.resolve("templates/annotation-keys-secret.yaml"));
        assertThat(template)
                .contains("helm.sh/hook: pre-install\n")
                .contains("current: {{ randBytes 48 }}")
                .contains("{{- if not .Values.annotationKeys.existingSecret }}")
                .doesNotContain("pre-upgrade");
    }

    @Test
    void anExistingAnnotationKeySecretIsMountedAndNotCreated() {
        Rendered r = render("cert-manager", Map.of("annotationKeys.existingSecret", "my-keys"));
        for (Deployment d : List.of(webhook(r), scheduler(r))) {
            assertThat(d.getSpec().getTemplate().getSpec().getVolumes())
                    .anyMatch(v -> v.getSecret() != null
                            && v.getSecret().getSecretName().equals("my-keys"));
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void theReplicaSpreadGuardIsOnByDefaultForThePodsTheExtenderPlaces(String valueSet) {
        Rendered r = render(valueSet);
        Map<String, Object> app = webhookConfig(r, webhook(r));
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.enabled"))
                .isEqualTo(true);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.max-skew"))
                .isEqualTo(1);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.zones"))
                .isEqualTo("auto");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.opt-out-label"))
                .isEqualTo("exs.sysched.io/replica-spread");
        // with the chart's second scheduler, the guard is for its pods; without it, for every pod
        List<String> expected = switch (valueSet) {
            case "second-scheduler-bind", "second-scheduler-no-bind", "everything" -> List.of("sysched-scheduler");
            case "second-scheduler" -> List.of("exs-scheduler");
            default -> List.of();
        };
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.replica-spread.scheduler-names"))
                .containsExactlyElementsOf(expected);
    }

    @Test
    void replicaSpreadValuesReachTheWebhook() {
        Rendered r = render(
                "second-scheduler",
                Map.of(
                        "replicaSpread.maxSkew",
                        2,
                        "replicaSpread.zones",
                        "off",
                        "replicaSpread.optOutLabel",
                        "example.com/spread",
                        "replicaSpread.schedulerNames[0]",
                        "a",
                        "replicaSpread.schedulerNames[1]",
                        "b"));
        Map<String, Object> app = webhookConfig(r, webhook(r));
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.max-skew"))
                .isEqualTo(2);
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.zones"))
                .isEqualTo("off");
        assertThat(Rendered.<Object>at(app, "sysched.webhook.replica-spread.opt-out-label"))
                .isEqualTo("example.com/spread");
        assertThat(Rendered.<List<String>>at(app, "sysched.webhook.replica-spread.scheduler-names"))
                .containsExactly("a", "b");
    }

    @Test
    void configChangesRollThePods() {
        String before = webhook(render("cert-manager"))
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/config");
        String after = webhook(render("ipp-compat"))
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/config");
        assertThat(before).isNotBlank().isNotEqualTo(after);
    }
}
