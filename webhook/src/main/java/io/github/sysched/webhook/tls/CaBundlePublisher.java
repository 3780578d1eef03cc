package io.github.sysched.webhook.tls;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.net.HttpURLConnection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a trust bundle into {@code caBundle} of every webhook of the configured configurations, patching only those
 * that differ. Each name is tried as a Mutating and as a ValidatingWebhookConfiguration independently: the chart's
 * RBAC allows get/patch only on the right kind for each name, so 403 and 404 just mean "not this kind".
 */
final class CaBundlePublisher {

    private static final Logger log = LoggerFactory.getLogger(CaBundlePublisher.class);

    private enum Outcome {
        ABSENT,
        CURRENT,
        PATCHED,
        FAILED
    }

    private final KubernetesClient client;
    private final List<String> names;

    CaBundlePublisher(KubernetesClient client, List<String> names) {
        this.client = client;
        this.names = List.copyOf(names);
    }

    /**
     * @param caBundle base64 of the PEM bundle, as the field wants it
     * @return true if every existing configuration already carried {@code caBundle} (nothing had to be patched)
     */
    boolean publish(String caBundle) {
        boolean current = true;
        for (String name : names) {
            Outcome mutating = reconcile(
                    "MutatingWebhookConfiguration",
                    name,
                    client.admissionRegistration()
                            .v1()
                            .mutatingWebhookConfigurations()
                            .withName(name),
                    c -> c.getWebhooks().stream()
                            .map(MutatingWebhook::getClientConfig)
                            .toList(),
                    caBundle);
            Outcome validating = reconcile(
                    "ValidatingWebhookConfiguration",
                    name,
                    client.admissionRegistration()
                            .v1()
                            .validatingWebhookConfigurations()
                            .withName(name),
                    c -> c.getWebhooks().stream()
                            .map(ValidatingWebhook::getClientConfig)
                            .toList(),
                    caBundle);
            if (mutating == Outcome.ABSENT && validating == Outcome.ABSENT) {
                log.warn("no webhook configuration named {} could be patched with the CA", name);
            }
            current &=
                    List.of(mutating, validating).stream().noneMatch(o -> o == Outcome.PATCHED || o == Outcome.FAILED);
        }
        return current;
    }

    /**
     * The first configured webhook configuration that exists, as the owner of what must go when it goes: the
     * chart creates and deletes these configurations with the release, and the garbage collector then deletes
     * the dependents (a namespaced object may have a cluster-scoped owner). No {@code blockOwnerDeletion}: that
     * would need update rights on the configuration's finalizers.
     */
    Optional<OwnerReference> owner() {
        for (String name : names) {
            for (Resource<? extends HasMetadata> resource : List.of(
                    client.admissionRegistration()
                            .v1()
                            .mutatingWebhookConfigurations()
                            .withName(name),
                    client.admissionRegistration()
                            .v1()
                            .validatingWebhookConfigurations()
                            .withName(name))) {
                HasMetadata configuration;
                try {
                    configuration = resource.get();
                } catch (KubernetesClientException e) {
                    log.debug("cannot read webhook configuration {} ({}): not an owner", name, e.getCode());
                    continue;
                }
                if (configuration != null) {
                    return Optional.of(new OwnerReferenceBuilder()
                            .withApiVersion(configuration.getApiVersion())
                            .withKind(configuration.getKind())
                            .withName(name)
                            .withUid(configuration.getMetadata().getUid())
                            .build());
                }
            }
        }
        return Optional.empty();
    }

    /** fabric8's edit sends a patch that tests resourceVersion: on 409 (another replica patched) look again. */
    private static <T extends HasMetadata> Outcome reconcile(
            String kind,
            String name,
            Resource<T> resource,
            Function<T, List<WebhookClientConfig>> clientConfigs,
            String caBundle) {
        Outcome outcome = Outcome.FAILED;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                outcome = reconcileOnce(kind, name, resource, clientConfigs, caBundle);
                return attempt > 0 && outcome == Outcome.CURRENT ? Outcome.PATCHED : outcome;
            } catch (KubernetesClientException e) {
                if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
                    log.error("cannot patch caBundle of {} {}: {}", kind, name, e.getMessage());
                    return Outcome.FAILED;
                }
                log.debug("{} {} changed while we patched it: looking again", kind, name);
            }
        }
        return outcome;
    }

    private static <T extends HasMetadata> Outcome reconcileOnce(
            String kind,
            String name,
            Resource<T> resource,
            Function<T, List<WebhookClientConfig>> clientConfigs,
            String caBundle) {
        T configuration;
        try {
            configuration = resource.get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_FORBIDDEN || e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                log.debug("{} {} not accessible ({}): skipped", kind, name, e.getCode());
                return Outcome.ABSENT;
            }
            log.error("cannot read {} {}: {}", kind, name, e.getMessage());
            return Outcome.FAILED;
        }
        if (configuration == null) {
            return Outcome.ABSENT;
        }
        if (clientConfigs.apply(configuration).stream()
                .allMatch(c -> c == null || Objects.equals(c.getCaBundle(), caBundle))) {
            return Outcome.CURRENT;
        }
        resource.edit(c -> {
            clientConfigs.apply(c).stream().filter(Objects::nonNull).forEach(cc -> cc.setCaBundle(caBundle));
            return c;
        });
        log.info("patched caBundle of {} {}", kind, name);
        return Outcome.PATCHED;
    }
}
