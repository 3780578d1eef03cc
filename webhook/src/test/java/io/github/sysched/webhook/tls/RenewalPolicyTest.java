package io.github.sysched.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.github.sysched.webhook.config.WebhookProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Issue 7: the decisions of the renewal policy at chosen instants, and the Secret encoding they go through. */
class RenewalPolicyTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    static WebhookProperties.Tls tls(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        map.put("sysched.webhook.tls.mode", "self-signed");
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put("sysched.webhook.tls." + keyValues[i], keyValues[i + 1]);
        }
        return new Binder(new MapConfigurationPropertySource(map))
                .bindOrCreate("sysched.webhook", WebhookProperties.class)
                .tls();
    }

    private static RenewalPolicy policy(WebhookProperties.Tls tls) {
        return new RenewalPolicy(tls, List.of("sysched-webhook", "sysched-webhook.ns", "sysched-webhook.ns.svc"));
    }

    /** Through the Secret encoding and back, as the next replica would read it. */
    private static SelfSignedMaterial roundTrip(SelfSignedMaterial material) {
        Secret base = new SecretBuilder()
                .withNewMetadata()
                .withName("s")
                .withNamespace("ns")
                .endMetadata()
                .build();
        return SelfSignedMaterial.read(material.toSecret(base)).orElseThrow();
    }

    @Test
    void defaultsAndValidation() {
        WebhookProperties.Tls defaults = tls();
        assertThat(defaults.validity()).isEqualTo(Duration.ofDays(365));
        assertThat(defaults.caValidity()).isEqualTo(Duration.ofDays(3650));
        assertThat(defaults.renewBefore()).isNull();
        assertThat(defaults.caRenewBefore()).isNull();
        assertThat(defaults.checkInterval()).isEqualTo(Duration.ofMinutes(5));
        assertThat(defaults.bundlePropagation()).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> tls("validity", "30d", "renew-before", "30d")).isInstanceOf(BindException.class);
        assertThatThrownBy(() -> tls("ca-validity", "90d", "ca-renew-before", "0s"))
                .isInstanceOf(BindException.class);
        assertThatThrownBy(() -> tls("check-interval", "0s")).isInstanceOf(BindException.class);
    }

    @Test
    void nothingChangesWhileNothingIsDue() {
        RenewalPolicy policy = policy(tls("validity", "30d", "ca-validity", "90d"));
        SelfSignedMaterial initial = roundTrip(policy.initial(T0));

        assertThat(policy.next(initial, T0.plus(Duration.ofDays(19)), true)).isEmpty();
        assertThat(initial.signer().certificate()).isEqualTo(initial.trusted().get(0));
    }

    @Test
    void theServingCertificateNeverOutlivesItsCaAndCappedRenewalsDoNotRepeat() {
        RenewalPolicy policy =
                policy(tls("validity", "30d", "ca-validity", "40d", "renew-before", "20d", "ca-renew-before", "3d"));
        SelfSignedMaterial initial = roundTrip(policy.initial(T0));

        SelfSignedMaterial renewed = roundTrip(policy.next(initial, T0.plus(Duration.ofDays(12)), true)
                .orElseThrow()
                .material());
        assertThat(renewed.leaf().certificate().getNotAfter())
                .isEqualTo(initial.signer().certificate().getNotAfter());
        // due again (20d before its end) but a new one could not live longer: no write on every check
        assertThat(policy.next(renewed, T0.plus(Duration.ofDays(21)), true)).isEmpty();
    }

    @Test
    void aConfigurationThatLostTheNextCaRestartsTheWait() {
        RenewalPolicy policy = policy(tls("validity", "30d", "ca-validity", "90d", "bundle-propagation", "10m"));
        Instant due = T0.plus(Duration.ofDays(61));
        SelfSignedMaterial staged = roundTrip(policy.next(roundTrip(policy.initial(T0)), due, true)
                .orElseThrow()
                .material());
        assertThat(staged.next()).isNotNull();
        assertThat(staged.nextPublished()).isEqualTo(due);

        Instant later = due.plus(Duration.ofMinutes(11));
        SelfSignedMaterial restarted =
                roundTrip(policy.next(staged, later, false).orElseThrow().material());
        assertThat(restarted.next().certificate()).isEqualTo(staged.next().certificate());
        assertThat(restarted.nextPublished()).isEqualTo(later);

        SelfSignedMaterial promoted = roundTrip(policy.next(restarted, later.plus(Duration.ofMinutes(10)), true)
                .orElseThrow()
                .material());
        assertThat(promoted.next()).isNull();
        assertThat(promoted.signer().certificate()).isEqualTo(staged.next().certificate());
        assertThat(SelfSignedMaterial.signs(
                        staged.next().certificate(), promoted.leaf().certificate()))
                .isTrue();
    }

    @Test
    void withoutTheCaKeyARotationStartsAndTheCertificateIsKept() {
        RenewalPolicy policy = policy(tls("validity", "30d", "ca-validity", "90d"));
        SelfSignedMaterial initial = roundTrip(policy.initial(T0));
        SelfSignedMaterial keyless = new SelfSignedMaterial(initial.leaf(), initial.trusted(), null, null, null);

        SelfSignedMaterial staged = roundTrip(policy.next(keyless, T0.plus(Duration.ofDays(1)), true)
                .orElseThrow()
                .material());
        assertThat(staged.leaf().certificate()).isEqualTo(initial.leaf().certificate());
        assertThat(staged.next()).isNotNull();
        assertThat(staged.trusted()).hasSize(2);
    }

    @Test
    void whenNothingValidIsLeftEverythingIsReplacedAtOnce() {
        RenewalPolicy policy = policy(tls("validity", "30d", "ca-validity", "90d"));
        SelfSignedMaterial initial = roundTrip(policy.initial(T0));

        Instant afterOutage = T0.plus(Duration.ofDays(400));
        SelfSignedMaterial replaced =
                roundTrip(policy.next(initial, afterOutage, true).orElseThrow().material());
        assertThat(replaced.trusted())
                .as("expired CA dropped")
                .containsExactly(replaced.signer().certificate());
        assertThat(replaced.next()).isNull();
        assertThat(replaced.leaf().certificate().getNotBefore().toInstant()).isBefore(afterOutage);
        assertThat(SelfSignedMaterial.signs(
                        replaced.signer().certificate(), replaced.leaf().certificate()))
                .isTrue();
    }
}
