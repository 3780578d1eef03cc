package io.github.sysched.charts;

import static io.github.sysched.charts.ChartRenderer.NAMESPACE;
import static io.github.sysched.charts.ChartRenderer.render;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleRef;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class RbacTest {

    static final List<String> VALUE_SETS = ChartRenderer.VALUE_SETS;

    record Grant(String roleKind, String roleName, String namespace, PolicyRule rule) {
        boolean covers(String group, String resource, String verb) {
            return rule.getApiGroups().contains(group)
                    && rule.getResources().contains(resource)
                    && rule.getVerbs().contains(verb);
        }
    }

    /** All rules of all Roles/ClusterRoles bound to the given ServiceAccount by the chart's own roles. */
    static List<Grant> grantsOf(Rendered r, String serviceAccount) {
        List<Grant> out = new ArrayList<>();
        for (ClusterRoleBinding b : r.all(ClusterRoleBinding.class)) {
            if (boundTo(b.getSubjects(), serviceAccount)) {
                r.find(ClusterRole.class, b.getRoleRef().getName())
                        .ifPresent(cr -> cr.getRules()
                                .forEach(rule -> out.add(new Grant(
                                        "ClusterRole", cr.getMetadata().getName(), null, rule))));
            }
        }
        for (RoleBinding b : r.all(RoleBinding.class)) {
            if (boundTo(b.getSubjects(), serviceAccount)
                    && b.getRoleRef().getKind().equals("Role")) {
                r.all(Role.class).stream()
                        .filter(ro ->
                                ro.getMetadata().getName().equals(b.getRoleRef().getName())
                                        && ro.getMetadata()
                                                .getNamespace()
                                                .equals(b.getMetadata().getNamespace()))
                        .forEach(ro -> ro.getRules()
                                .forEach(rule -> out.add(new Grant(
                                        "Role",
                                        ro.getMetadata().getName(),
                                        ro.getMetadata().getNamespace(),
                                        rule))));
            }
        }
        return out;
    }

    private static boolean boundTo(List<Subject> subjects, String sa) {
        return subjects.stream()
                .anyMatch(s -> s.getKind().equals("ServiceAccount")
                        && s.getName().equals(sa)
                        && NAMESPACE.equals(s.getNamespace()));
    }

    static String saOf(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getServiceAccountName();
    }

    private static List<PolicyRule> allRules(Rendered r) {
        List<PolicyRule> rules = new ArrayList<>();
        r.all(ClusterRole.class).forEach(c -> rules.addAll(c.getRules()));
        r.all(Role.class).forEach(c -> rules.addAll(c.getRules()));
        return rules;
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void noWildcardsAndNoWriteVerbsBeyondTheListedOnes(String valueSet) {
        for (PolicyRule rule : allRules(render(valueSet))) {
            assertThat(rule.getVerbs()).doesNotContain("*", "deletecollection", "escalate", "bind", "impersonate");
            if (rule.getVerbs().contains("delete")) { // only the TLS Secrets the webhook writes (see the next test)
                assertThat(rule.getResources()).containsExactly("secrets");
                assertThat(rule.getResourceNames())
                        .containsExactlyInAnyOrder(
                                "sysched-webhook-tls", "sysched-scheduler-tls", "sysched-kube-scheduler-client-tls");
            }
            assertThat(rule.getResources()).doesNotContain("*");
            assertThat(rule.getApiGroups()).doesNotContain("*");
            assertThat(rule.getNonResourceURLs()).isNullOrEmpty();
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void bindingsReferenceExistingRolesAndServiceAccountsAndEveryPodHasItsOwnAccount(String valueSet) {
        Rendered r = render(valueSet);
        Set<String> systemRoles =
                Set.of("system:kube-scheduler", "system:volume-scheduler", "extension-apiserver-authentication-reader");
        List<HasMetadata> bindings = new ArrayList<>(r.all(ClusterRoleBinding.class));
        bindings.addAll(r.all(RoleBinding.class));
        for (HasMetadata b : bindings) {
            RoleRef ref = b instanceof ClusterRoleBinding c ? c.getRoleRef() : ((RoleBinding) b).getRoleRef();
            List<Subject> subjects =
                    b instanceof ClusterRoleBinding c ? c.getSubjects() : ((RoleBinding) b).getSubjects();
            boolean exists = ref.getKind().equals("ClusterRole")
                    ? r.find(ClusterRole.class, ref.getName()).isPresent()
                    : r.all(Role.class).stream()
                            .anyMatch(ro -> ro.getMetadata().getName().equals(ref.getName())
                                    && ro.getMetadata()
                                            .getNamespace()
                                            .equals(b.getMetadata().getNamespace()));
            assertThat(exists || systemRoles.contains(ref.getName()))
                    .as("roleRef of %s", b.getMetadata().getName())
                    .isTrue();
            for (Subject s : subjects) {
                assertThat(r.find(ServiceAccount.class, s.getName()))
                        .as("subject of %s", b.getMetadata().getName())
                        .isPresent();
            }
        }
        List<String> sas = r.all(Deployment.class).stream().map(RbacTest::saOf).toList();
        assertThat(sas).doesNotContainNull().doesNotHaveDuplicates().doesNotContain("default");
        sas.forEach(sa -> assertThat(r.find(ServiceAccount.class, sa)).as(sa).isPresent());
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void webhookPermissions(String valueSet) {
        Rendered r = render(valueSet);
        boolean selfSigned = valueSet.equals("self-signed") || valueSet.equals("everything");
        List<Grant> g = grantsOf(r, saOf(AppConfigTest.webhook(r)));
        String spo = "security-profiles-operator.x-k8s.io";
        for (String verb : List.of("get", "list", "watch")) {
            assertThat(g).as(verb + " seccompprofiles").anyMatch(x -> x.covers(spo, "seccompprofiles", verb));
            assertThat(g).as(verb + " profilebindings").anyMatch(x -> x.covers(spo, "profilebindings", verb));
            assertThat(g).as(verb + " namespaces").anyMatch(x -> x.covers("", "namespaces", verb));
        }
        assertThat(g).anyMatch(x -> x.covers("apiextensions.k8s.io", "customresourcedefinitions", "get"));
        assertThat(g)
                .filteredOn(x -> x.rule().getResources().contains("customresourcedefinitions"))
                .allSatisfy(x -> assertThat(x.rule().getVerbs()).containsExactly("get"));
        assertThat(g)
                .as("webhook needs no pods")
                .noneMatch(x -> x.rule().getResources().stream().anyMatch(s -> s.startsWith("pods")));
        // SPO and namespaces read-only
        assertThat(g)
                .filteredOn(x -> x.rule().getApiGroups().contains(spo)
                        || x.rule().getResources().contains("namespaces"))
                .allSatisfy(x -> assertThat(x.rule().getVerbs()).isSubsetOf("get", "list", "watch"));
        // replicaSpread.zones=auto (the default): the nodes' zones, list and watch only
        assertThat(g)
                .filteredOn(x -> x.rule().getResources().contains("nodes"))
                .singleElement()
                .satisfies(x -> assertThat(x.rule().getVerbs()).containsExactly("list", "watch"));

        List<String> configNames =
                Webhooks.of(r).stream().map(Webhooks::configName).distinct().toList();
        List<Grant> patch =
                g.stream().filter(x -> x.rule().getVerbs().contains("patch")).toList();
        if (selfSigned) {
            assertThat(patch)
                    .extracting(x -> x.rule().getResources().get(0))
                    .containsExactlyInAnyOrder("mutatingwebhookconfigurations", "validatingwebhookconfigurations");
            assertThat(patch).allSatisfy(x -> {
                assertThat(x.rule().getApiGroups()).containsExactly("admissionregistration.k8s.io");
                assertThat(x.rule().getResources()).hasSize(1);
                assertThat(x.rule().getResourceNames()).hasSize(1).isSubsetOf(configNames);
            });
        } else {
            assertThat(patch).isEmpty();
            assertThat(g).noneMatch(x -> x.rule().getApiGroups().contains("admissionregistration.k8s.io"));
        }
    }

    @Test
    void theWebhookReadsNodesOnlyWhileTheReplicaSpreadGuardDecidesZonesByItself() {
        for (Map<String, Object> sets : List.<Map<String, Object>>of(
                Map.of("replicaSpread.zones", "on"),
                Map.of("replicaSpread.zones", "off"),
                Map.of("replicaSpread.enabled", false))) {
            Rendered r = render("cert-manager", sets);
            assertThat(grantsOf(r, saOf(AppConfigTest.webhook(r))))
                    .as(sets.toString())
                    .noneMatch(x -> x.rule().getResources().contains("nodes"));
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void secretsOnlyInTheReleaseNamespaceAndOnlyForSelfSignedTls(String valueSet) {
        Rendered r = render(valueSet);
        boolean selfSigned = valueSet.equals("self-signed") || valueSet.equals("everything");
        assertThat(r.all(ClusterRole.class))
                .flatExtracting(ClusterRole::getRules)
                .as("no cluster-wide Secret access")
                .noneMatch(rule -> rule.getResources().contains("secrets"));
        List<PolicyRule> secretRules = r.all(Role.class).stream()
                .peek(ro -> assertThat(ro.getMetadata().getNamespace()).isEqualTo(NAMESPACE))
                .flatMap(ro -> ro.getRules().stream())
                .filter(rule -> rule.getResources().contains("secrets"))
                .toList();
        if (!selfSigned) {
            assertThat(secretRules).isEmpty();
            return;
        }
        // delete: setting the Secret's ownerReference needs it under OwnerReferencesPermissionEnforcement
        assertThat(secretRules)
                .flatExtracting(PolicyRule::getVerbs)
                .containsExactlyInAnyOrder("create", "get", "update", "delete");
        // named: the webhook's own Secret and the extender's two mutual-TLS Secrets it issues (scheduler.tls)
        assertThat(secretRules)
                .filteredOn(rule -> !rule.getVerbs().contains("create"))
                .allSatisfy(rule -> assertThat(rule.getResourceNames()).hasSize(3));
        assertThat(secretRules)
                .filteredOn(rule -> rule.getVerbs().contains("create"))
                .allSatisfy(rule -> assertThat(rule.getVerbs()).containsExactly("create"));
        // only the webhook's ServiceAccount holds them
        List<Grant> webhook = grantsOf(r, saOf(AppConfigTest.webhook(r)));
        assertThat(webhook).anyMatch(x -> x.covers("", "secrets", "update") && NAMESPACE.equals(x.namespace()));
        assertThat(grantsOf(r, saOf(AppConfigTest.scheduler(r))))
                .noneMatch(x -> x.rule().getResources().contains("secrets"));
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void schedulerPermissions(String valueSet) {
        Rendered r = render(valueSet);
        boolean bind = !valueSet.equals("second-scheduler-no-bind"); // the default since bind delegation
        List<Grant> g = grantsOf(r, saOf(AppConfigTest.scheduler(r)));
        assertThat(g).anyMatch(x -> x.covers("", "pods", "list")).anyMatch(x -> x.covers("", "pods", "watch"));
        assertThat(g)
                .filteredOn(x -> x.rule().getResources().contains("pods"))
                .allSatisfy(x -> assertThat(x.rule().getVerbs()).isSubsetOf("get", "list", "watch"));
        // namespaces: read-only, for the plan of the known demand (on by default) and the rebalancer
        assertThat(g)
                .filteredOn(x -> x.rule().getResources().contains("namespaces"))
                .allSatisfy(x -> assertThat(x.rule().getVerbs()).isSubsetOf("list", "watch"));
        boolean hasBinding = g.stream().anyMatch(x -> x.covers("", "pods/binding", "create"));
        assertThat(hasBinding).as("pods/binding create iff bind is enabled").isEqualTo(bind);
        // nobody else may bind pods through the chart's own roles
        for (Deployment d : r.all(Deployment.class)) {
            if (d != AppConfigTest.scheduler(r)) {
                assertThat(grantsOf(r, saOf(d)))
                        .noneMatch(x -> x.rule().getResources().contains("pods/binding"));
            }
        }
    }

    /** Evictions, and the Nodes and Namespaces the rebalancer plans with, only when it is enabled; nobody else. */
    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void podEvictionOnlyForTheExtenderAndOnlyWithTheRebalancerOn(String valueSet) {
        // the plan (on by default) reads Nodes and Namespaces too: off here, to see what the rebalancer adds
        Map<String, Object> planOff = Map.of("scheduler.config.scoring.plan.enabled", false);
        Rendered off = render(valueSet, planOff);
        for (Deployment d : off.all(Deployment.class)) {
            assertThat(grantsOf(off, saOf(d)))
                    .noneMatch(x -> x.rule().getResources().contains("pods/eviction"));
        }
        assertThat(grantsOf(off, saOf(AppConfigTest.scheduler(off))))
                .noneMatch(x -> x.rule().getResources().contains("nodes"));

        Rendered on = render(
                valueSet,
                Map.of("scheduler.config.rebalancer.enabled", true, "scheduler.config.scoring.plan.enabled", false));
        List<Grant> g = grantsOf(on, saOf(AppConfigTest.scheduler(on)));
        assertThat(g)
                .filteredOn(x -> x.rule().getResources().contains("pods/eviction"))
                .singleElement()
                .satisfies(x -> {
                    assertThat(x.roleKind()).isEqualTo("ClusterRole");
                    assertThat(x.rule().getApiGroups()).containsExactly("");
                    assertThat(x.rule().getResources()).containsExactly("pods/eviction");
                    assertThat(x.rule().getVerbs()).containsExactly("create");
                });
        for (String resource : List.of("nodes", "namespaces")) {
            assertThat(g).anyMatch(x -> x.covers("", resource, "list")).anyMatch(x -> x.covers("", resource, "watch"));
            assertThat(g)
                    .filteredOn(x -> x.rule().getResources().contains(resource))
                    .allSatisfy(x -> assertThat(x.rule().getVerbs()).containsExactlyInAnyOrder("list", "watch"));
        }
        for (Deployment d : on.all(Deployment.class)) {
            if (d != AppConfigTest.scheduler(on)) {
                assertThat(grantsOf(on, saOf(d)))
                        .noneMatch(x -> x.rule().getResources().contains("pods/eviction"));
            }
        }
    }

    /**
     * The replica controllers, ProfileBindings, Nodes and Namespaces the plan of the known demand reads, read-only, for
     * the extender only, and only with the plan on.
     */
    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void theControllersTheExtenderPlansForOnlyWithThePlanOn(String valueSet) {
        List<List<String>> planned = List.of(
                List.of("apps", "replicasets"),
                List.of("apps", "statefulsets"),
                List.of("", "replicationcontrollers"),
                List.of("security-profiles-operator.x-k8s.io", "profilebindings"),
                List.of("", "nodes"),
                List.of("", "namespaces"));
        Rendered off = render(valueSet, java.util.Map.of("scheduler.config.scoring.plan.enabled", false));
        List<Grant> extenderOff = grantsOf(off, saOf(AppConfigTest.scheduler(off)));
        for (List<String> resource : planned) {
            assertThat(extenderOff).noneMatch(x -> x.covers(resource.get(0), resource.get(1), "list"));
        }

        Rendered on = render(valueSet); // on by default
        List<Grant> g = grantsOf(on, saOf(AppConfigTest.scheduler(on)));
        for (List<String> resource : planned) {
            assertThat(g)
                    .as(resource.toString())
                    .anyMatch(x -> x.covers(resource.get(0), resource.get(1), "list"))
                    .anyMatch(x -> x.covers(resource.get(0), resource.get(1), "watch"))
                    .noneMatch(x -> x.covers(resource.get(0), resource.get(1), "create"))
                    .noneMatch(x -> x.covers(resource.get(0), resource.get(1), "update"));
        }
        assertThat(g).noneMatch(x -> x.rule().getResources().contains("pods/eviction"));
        for (Deployment d : on.all(Deployment.class)) {
            if (d != AppConfigTest.scheduler(on)) {
                assertThat(grantsOf(on, saOf(d)))
                        .noneMatch(x -> x.covers("apps", "replicasets", "list"))
                        .noneMatch(x -> x.covers("", "replicationcontrollers", "list"));
            }
        }
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void bothServicesMayCreateCoreEventsInTheReleaseNamespaceOnly(String valueSet) {
        Rendered r = render(valueSet);
        for (Deployment d : List.of(AppConfigTest.webhook(r), AppConfigTest.scheduler(r))) {
            List<Grant> events = grantsOf(r, saOf(d)).stream()
                    .filter(x -> x.rule().getResources().contains("events")
                            && x.rule().getApiGroups().contains(""))
                    .toList();
            assertThat(events).as(saOf(d)).singleElement().satisfies(x -> {
                assertThat(x.roleKind()).isEqualTo("Role");
                assertThat(x.namespace()).isEqualTo(NAMESPACE);
                assertThat(x.rule().getApiGroups()).containsExactly("");
                assertThat(x.rule().getVerbs()).containsExactly("create");
            });
        }
        assertThat(r.all(ClusterRole.class))
                .flatExtracting(ClusterRole::getRules)
                .noneMatch(rule -> rule.getResources().contains("events")
                        && rule.getApiGroups().contains(""));
    }

    /** The SyschedPlacement Events go on scheduled pods, so in any namespace: create and patch (a series), nothing more. */
    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void onlyTheExtenderMayPostPlacementEventsInEveryNamespace(String valueSet) {
        Rendered r = render(valueSet);
        List<Grant> placement = grantsOf(r, saOf(AppConfigTest.scheduler(r))).stream()
                .filter(x -> x.rule().getApiGroups().contains("events.k8s.io"))
                .toList();
        assertThat(placement).singleElement().satisfies(x -> {
            assertThat(x.roleKind()).isEqualTo("ClusterRole");
            assertThat(x.rule().getApiGroups()).containsExactly("events.k8s.io");
            assertThat(x.rule().getResources()).containsExactly("events");
            assertThat(x.rule().getVerbs()).containsExactlyInAnyOrder("create", "patch");
            assertThat(x.rule().getResourceNames()).isNullOrEmpty();
        });
        assertThat(grantsOf(r, saOf(AppConfigTest.webhook(r))))
                .noneMatch(x -> x.rule().getApiGroups().contains("events.k8s.io"));

        Rendered off = render(valueSet, java.util.Map.of("scheduler.events.enabled", false));
        assertThat(grantsOf(off, saOf(AppConfigTest.scheduler(off))))
                .noneMatch(x -> x.rule().getApiGroups().contains("events.k8s.io"));
    }

    @ParameterizedTest
    @FieldSource("VALUE_SETS")
    void leasesOnlyForTheSecondSchedulerAndTheExtendersLeaderElection(String valueSet) {
        Rendered r = render(valueSet);
        boolean second = valueSet.startsWith("second-scheduler") || valueSet.equals("everything");
        boolean extenderElection = !valueSet.equals("second-scheduler-no-bind");
        List<PolicyRule> leaseRules = allRules(r).stream()
                .filter(rule -> rule.getResources().contains("leases"))
                .toList();
        if (!second && !extenderElection) {
            assertThat(leaseRules).isEmpty();
            return;
        }
        List<Grant> extender = grantsOf(r, saOf(AppConfigTest.scheduler(r)));
        assertThat(extender.stream().anyMatch(x -> x.covers("coordination.k8s.io", "leases", "update")))
                .as("the extender's Lease")
                .isEqualTo(extenderElection);
        assertThat(extender)
                .filteredOn(x -> x.rule().getResources().contains("endpointslices"))
                .allSatisfy(x -> {
                    assertThat(x.roleKind()).isEqualTo("Role");
                    assertThat(x.namespace()).isEqualTo(NAMESPACE);
                    if (!x.rule().getVerbs().equals(List.of("create"))) {
                        assertThat(x.rule().getResourceNames())
                                .singleElement()
                                .asString()
                                .endsWith("-scheduler-leader");
                    }
                });
        assertThat(extender.stream().anyMatch(x -> x.covers("discovery.k8s.io", "endpointslices", "update")))
                .as("the leader's EndpointSlice")
                .isEqualTo(extenderElection);
        assertThat(leaseRules)
                .isNotEmpty()
                .allSatisfy(rule -> assertThat(rule.getApiGroups()).containsExactly("coordination.k8s.io"));
        assertThat(r.all(ClusterRole.class))
                .flatExtracting(ClusterRole::getRules)
                .noneMatch(rule -> rule.getResources().contains("leases"));
        assertThat(leaseRules)
                .filteredOn(rule -> rule.getVerbs().contains("update"))
                .allSatisfy(rule -> assertThat(rule.getResourceNames()).hasSize(1));
    }
}
