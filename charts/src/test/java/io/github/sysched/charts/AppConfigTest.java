package io.github.sysched.charts;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

/** application.yaml reaches the apps (ConfigMap → /config → SPRING_CONFIG_ADDITIONAL_LOCATION) with CONTRACTS.md keys. */
class AppConfigTest {

  static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

  /** Keys of sysched.webhook.* allowed by docs/CONTRACTS.md. */
  static final Set<String> WEBHOOK_KEYS = Set.of("mode", "opt-in-label", "all-namespaces", "exempt-namespaces", "spo",
      "default-profile", "binding", "ipp", "annotation-writers", "tls", "request-deadline", "failure-mode",
      "max-request-size", "sandbox", "containers");
  static final Set<String> SCHEDULER_KEYS = Set.of("default-profile", "weights", "ipp", "bind", "spo", "containers",
      "events");

  /** Follows the Deployment's /config mount to its ConfigMap and parses application.yaml. */
  static Map<String, Object> appConfig(Rendered r, Deployment d) {
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);
    EnvVar loc = c.getEnv().stream().filter(e -> e.getName().equals("SPRING_CONFIG_ADDITIONAL_LOCATION"))
        .findFirst().orElseThrow(() -> new AssertionError("no SPRING_CONFIG_ADDITIONAL_LOCATION"));
    assertThat(loc.getValue()).isEqualTo("file:/config/");
    VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/config"))
        .findFirst().orElseThrow(() -> new AssertionError("nothing mounted at /config"));
    assertThat(mount.getSubPath()).isNull();
    Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(mount.getName())).findFirst().orElseThrow();
    assertThat(v.getConfigMap()).as("/config volume is a ConfigMap").isNotNull();
    assertThat(v.getConfigMap().getItems()).as("whole ConfigMap, file name application.yaml").isNullOrEmpty();
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
        .findFirst().orElseThrow();
  }

  @ParameterizedTest
  @FieldSource("VALUE_SETS")
  void webhookPropertiesFollowTheContract(String valueSet) {
    Rendered r = render(valueSet);
    Map<String, Object> app = webhookConfig(r, webhook(r));
    Map<String, Object> webhook = Rendered.at(app, "sysched.webhook");
    assertThat(webhook.keySet()).as("only contract keys").isSubsetOf(WEBHOOK_KEYS);
    assertThat(Rendered.<List<String>>at(app, "sysched.webhook.exempt-namespaces")).contains("kube-system", NAMESPACE);
    assertThat((Object) Rendered.at(app, "sysched.webhook.mode")).isIn("annotate", "enforce");
    assertThat((Object) Rendered.at(app, "sysched.webhook.opt-in-label")).isEqualTo("spo.x-k8s.io/enable-binding");
    assertThat((Object) Rendered.at(app, "sysched.webhook.all-namespaces")).isEqualTo(false);
    assertThat((Object) Rendered.at(app, "sysched.webhook.spo.scope")).isEqualTo("auto");
    assertThat((Object) Rendered.at(app, "sysched.webhook.spo.version")).isEqualTo("v1beta1");
    assertThat((Object) Rendered.at(app, "sysched.webhook.failure-mode")).isEqualTo("allow");
    assertThat((Object) Rendered.at(app, "sysched.webhook.max-request-size")).isEqualTo("8MB");
    assertThat((Object) Rendered.at(app, "sysched.webhook.sandbox.enabled")).isEqualTo(false);
    assertThat((Object) Rendered.at(app, "sysched.webhook.default-profile.namespace")).isEqualTo("default");
    assertThat((Object) Rendered.at(app, "sysched.webhook.default-profile.name")).isEqualTo("full-seccomp");
    assertThat((Object) Rendered.at(app, "sysched.webhook.binding.override-existing")).isEqualTo(true);
    assertThat((Object) Rendered.at(app, "sysched.webhook.ipp.node-key")).isEqualTo("ipp");
    // "true" must stay a string (node label value), not become a YAML boolean
    assertThat((Object) Rendered.at(app, "sysched.webhook.ipp.node-value")).isEqualTo("true");
    assertThat((Object) Rendered.at(app, "sysched.webhook.ipp.one-per-node-for-replicasets")).isEqualTo(false);
    assertThat((Object) Rendered.at(app, "sysched.webhook.request-deadline")).isEqualTo("2s");
    assertThat(Rendered.<List<String>>at(app, "sysched.webhook.annotation-writers"))
        .contains("system:serviceaccount:" + NAMESPACE + ":"
            + webhook(r).getSpec().getTemplate().getSpec().getServiceAccountName());
  }

  @Test
  void ippModeReachesTheWebhookAsAString() {
    // "off" unquoted is a YAML 1.1 boolean: the app must see the string.
    assertThat((Object) Rendered.at(webhookConfig(render("cert-manager"), webhook(render("cert-manager"))),
        "sysched.webhook.ipp.mode")).isEqualTo("off");
    Rendered compat = render("ipp-compat");
    assertThat((Object) Rendered.at(webhookConfig(compat, webhook(compat)), "sysched.webhook.ipp.mode")).isEqualTo("compat");
    Rendered fast = render("ipp-fast");
    Map<String, Object> app = webhookConfig(fast, webhook(fast));
    assertThat((Object) Rendered.at(app, "sysched.webhook.ipp.mode")).isEqualTo("fast");
    assertThat((Object) Rendered.at(app, "sysched.webhook.ipp.class-label")).isEqualTo("tenant-class");
    // the scheduler's filter must use the same class label as the webhook
    Map<String, Object> sched = appConfig(fast, scheduler(fast));
    assertThat((Object) Rendered.at(sched, "sysched.scheduler.ipp.class-label")).isEqualTo("tenant-class");
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
    assertThat((Object) Rendered.at(app, "sysched.scheduler.default-profile.namespace")).isEqualTo("default");
    assertThat((Object) Rendered.at(app, "sysched.scheduler.default-profile.name")).isEqualTo("full-seccomp");
    boolean bind = valueSet.contains("bind") || valueSet.equals("everything");
    assertThat((Object) Rendered.at(app, "sysched.scheduler.bind.enabled")).isEqualTo(bind);
    // both services read SPO objects the same way
    assertThat((Object) Rendered.at(app, "sysched.scheduler.spo")).isEqualTo(
        Rendered.at(webhookConfig(r, webhook(r)), "sysched.webhook.spo"));
    // and count a pod's containers the same way
    assertThat((Object) Rendered.at(app, "sysched.scheduler.containers")).isEqualTo(
        Rendered.at(webhookConfig(r, webhook(r)), "sysched.webhook.containers"));
    assertThat((Object) Rendered.at(app, "sysched.scheduler.containers.unprofiled")).isEqualTo("default-profile");
    assertThat((Object) Rendered.at(app, "sysched.scheduler.containers.init")).isEqualTo("count");
  }

  @Test
  void placementEventsAndTheDecisionLogReachTheExtender() {
    Map<String, Object> defaults = appConfig(render("cert-manager"), scheduler(render("cert-manager")));
    assertThat((Object) Rendered.at(defaults, "sysched.scheduler.events")).isEqualTo(
        Map.of("enabled", true, "per-second", 10, "burst", 100));
    assertThat(defaults).doesNotContainKey("logging");

    Rendered r = render("cert-manager", Map.of("scheduler.events.enabled", false, "scheduler.events.perSecond", 2,
        "scheduler.logDecisions", true));
    Map<String, Object> app = appConfig(r, scheduler(r));
    assertThat((Object) Rendered.at(app, "sysched.scheduler.events.enabled")).isEqualTo(false);
    assertThat((Object) Rendered.at(app, "sysched.scheduler.events.per-second")).isEqualTo(2);
    assertThat(Rendered.<Map<String, Object>>at(app, "logging.level"))
        .containsEntry("io.github.sysched.scheduler.decisions", "debug");
  }

  @Test
  void theContainerPolicyReachesBothAppsAlike() {
    Rendered r = render("cert-manager", Map.of("containers.unprofiled", "runtime-default", "containers.init", "ignore"));
    Map<String, Map<String, Object>> apps = Map.of("sysched.webhook", webhookConfig(r, webhook(r)),
        "sysched.scheduler", appConfig(r, scheduler(r)));
    apps.forEach((prefix, app) -> {
      assertThat((Object) Rendered.at(app, prefix + ".containers.unprofiled")).isEqualTo("runtime-default");
      assertThat((Object) Rendered.at(app, prefix + ".containers.init")).isEqualTo("ignore");
    });
  }

  @Test
  void spoSettingsAndWebhookSafetyKnobsReachTheApps() {
    Rendered r = render("cert-manager", Map.of("spo.scope", "cluster", "spo.version", "v1",
        "webhook.config.failureMode", "deny", "webhook.config.maxRequestSize", "2MB",
        "webhook.config.sandbox.enabled", true, "webhook.config.sandbox.runtimeClassName", "gvisor"));
    Map<String, Object> webhook = webhookConfig(r, webhook(r));
    Map<String, Object> scheduler = appConfig(r, scheduler(r));
    for (Map<String, Object> app : List.of(webhook, scheduler)) {
      String prefix = app == webhook ? "sysched.webhook" : "sysched.scheduler";
      assertThat((Object) Rendered.at(app, prefix + ".spo.scope")).isEqualTo("cluster");
      assertThat((Object) Rendered.at(app, prefix + ".spo.version")).isEqualTo("v1");
    }
    assertThat((Object) Rendered.at(webhook, "sysched.webhook.failure-mode")).isEqualTo("deny");
    assertThat((Object) Rendered.at(webhook, "sysched.webhook.max-request-size")).isEqualTo("2MB");
    assertThat((Object) Rendered.at(webhook, "sysched.webhook.sandbox.enabled")).isEqualTo(true);
    assertThat((Object) Rendered.at(webhook, "sysched.webhook.sandbox.runtime-class-name")).isEqualTo("gvisor");
  }

  @Test
  void everythingSetPassesWeightsExtrasAndExtraConfig() {
    Rendered r = render("everything");
    Map<String, Object> sched = appConfig(r, scheduler(r));
    assertThat(Rendered.<Map<String, Object>>at(sched, "sysched.scheduler.weights"))
        .containsEntry("ptrace", 5).containsEntry("bpf", 3);
    Map<String, Object> app = webhookConfig(r, webhook(r));
    assertThat((Object) Rendered.at(app, "sysched.webhook.mode")).isEqualTo("enforce");
    assertThat(Rendered.<List<String>>at(app, "sysched.webhook.exempt-namespaces"))
        .containsExactly("kube-system", NAMESPACE, "monitoring", "security-profiles-operator");
    assertThat(Rendered.<List<String>>at(app, "sysched.webhook.annotation-writers")).contains("system:serviceaccount:ops:tool");
    assertThat(Rendered.<Map<String, Object>>at(app, "logging.level")).containsEntry("io.github.sysched", "DEBUG");
  }

  @Test
  void configChangesRollThePods() {
    String before = webhook(render("cert-manager")).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    String after = webhook(render("ipp-compat")).getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/config");
    assertThat(before).isNotBlank().isNotEqualTo(after);
  }
}
