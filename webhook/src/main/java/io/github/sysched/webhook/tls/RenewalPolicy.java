package io.github.sysched.webhook.tls;

import io.github.sysched.webhook.config.WebhookProperties;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides what the shared Secret must become at a given time; no I/O. The rule it keeps: an API server verifies
 * the served certificate against the {@code caBundle} it last saw, which may lag behind what we patched. So
 * <ol>
 * <li>a new CA enters the bundle first and signs nothing until it has been there for {@code bundle-propagation}
 * (and every webhook configuration was seen carrying it); only then is it promoted and a certificate it signed
 * served ({@code next-ca-published} restarts when a configuration had lost it);</li>
 * <li>an old CA leaves the bundle only once it has expired: no certificate it signed can verify after that, and
 * until then replicas that have not switched yet keep verifying;</li>
 * <li>the serving certificate is reissued by the same CA when it nears its end, which needs no bundle change.</li>
 * </ol>
 * If nothing valid is left (the served certificate has expired, say after a long outage) there is nothing to
 * keep working, and the replacement happens at once.
 */
public final class RenewalPolicy {

    private final WebhookProperties.Tls tls;
    private final List<String> dnsNames;

    /** A new content for the Secret and what changed, for the log. */
    public record Renewal(SelfSignedMaterial material, List<String> changes) {}

    public RenewalPolicy(WebhookProperties.Tls tls, List<String> dnsNames) {
        this.tls = tls;
        this.dnsNames = List.copyOf(dnsNames);
    }

    /** A CA and a serving certificate for a Secret that does not exist yet. */
    public SelfSignedMaterial initial(Instant now) {
        CertificateFactory.Issued ca = newCa(now);
        return new SelfSignedMaterial(leaf(ca, now), List.of(ca.certificate()), ca, null, null);
    }

    /**
     * @param bundlePublished every existing webhook configuration already carried the Secret's bundle before this
     *                        check (no patch was needed)
     */
    public Optional<Renewal> next(SelfSignedMaterial current, Instant now, boolean bundlePublished) {
        List<String> changes = new ArrayList<>();
        SelfSignedMaterial m = current;
        if (m.next() != null && !valid(m.next().certificate(), now)) {
            m = new SelfSignedMaterial(m.leaf(), m.trusted(), m.signer(), null, null);
            changes.add("dropped the next CA: it was not valid at " + now);
        }
        if (!servable(m, now)) {
            if (m.next() != null) {
                m = promote(m, now);
                changes.add("promoted the next CA at once: the served certificate no longer verified");
            } else if (usableSigner(m, now)) {
                m = reissue(m, now);
                changes.add("reissued the served certificate: it no longer verified");
            } else {
                CertificateFactory.Issued ca = newCa(now);
                List<X509Certificate> trusted = new ArrayList<>(m.trusted());
                trusted.add(0, ca.certificate());
                m = new SelfSignedMaterial(leaf(ca, now), trusted, ca, null, null);
                changes.add("replaced CA and certificate at once: nothing valid was left");
            }
        } else if (m.next() != null) {
            if (!bundlePublished || m.nextPublished() == null) {
                m = new SelfSignedMaterial(m.leaf(), m.trusted(), m.signer(), m.next(), now);
                changes.add("a webhook configuration lacked the next CA: the wait for API servers starts over");
            } else if (!now.isBefore(m.nextPublished().plus(tls.bundlePropagation()))) {
                m = promote(m, now);
                changes.add("promoted the next CA: it was in caBundle since " + current.nextPublished());
            }
        }
        if (m.next() == null && (!usableSigner(m, now) || due(m.signer().certificate(), tls.caRenewBefore(), now))) {
            CertificateFactory.Issued ca = newCa(now);
            List<X509Certificate> trusted = new ArrayList<>(m.trusted());
            trusted.add(ca.certificate());
            m = new SelfSignedMaterial(m.leaf(), trusted, m.signer(), ca, now);
            changes.add("published the next CA "
                    + ca.certificate().getSubjectX500Principal().getName() + " in caBundle; it signs nothing before "
                    + now.plus(tls.bundlePropagation()));
        }
        if (usableSigner(m, now) && due(m.leaf().certificate(), tls.renewBefore(), now)) {
            CertificateFactory.Issued leaf = leaf(m.signer(), now);
            if (leaf.certificate().getNotAfter().after(m.leaf().certificate().getNotAfter())) {
                m = new SelfSignedMaterial(leaf, m.trusted(), m.signer(), m.next(), m.nextPublished());
                changes.add("renewed the serving certificate (same CA)");
            }
        }
        SelfSignedMaterial before = m;
        List<X509Certificate> kept = m.trusted().stream()
                .filter(ca -> now.isBefore(ca.getNotAfter().toInstant())
                        || ca.equals(
                                before.signer() == null ? null : before.signer().certificate())
                        || ca.equals(
                                before.next() == null ? null : before.next().certificate()))
                .toList();
        if (kept.size() < m.trusted().size()) {
            changes.add("dropped " + (m.trusted().size() - kept.size()) + " expired CA(s) from caBundle");
            m = new SelfSignedMaterial(m.leaf(), kept, m.signer(), m.next(), m.nextPublished());
        }
        return changes.isEmpty() ? Optional.empty() : Optional.of(new Renewal(m, changes));
    }

    /** The served certificate is valid now and chains to an unexpired CA of the bundle. */
    private static boolean servable(SelfSignedMaterial m, Instant now) {
        X509Certificate leaf = m.leaf().certificate();
        return valid(leaf, now)
                && m.trusted().stream().anyMatch(ca -> valid(ca, now) && SelfSignedMaterial.signs(ca, leaf));
    }

    private static boolean usableSigner(SelfSignedMaterial m, Instant now) {
        return m.signer() != null && valid(m.signer().certificate(), now);
    }

    private static boolean valid(X509Certificate certificate, Instant now) {
        return !now.isBefore(certificate.getNotBefore().toInstant())
                && now.isBefore(certificate.getNotAfter().toInstant());
    }

    /** {@code renewBefore} null: a third of the certificate's lifetime. */
    private static boolean due(X509Certificate certificate, Duration renewBefore, Instant now) {
        Instant notAfter = certificate.getNotAfter().toInstant();
        Duration margin = renewBefore != null
                ? renewBefore
                : Duration.between(certificate.getNotBefore().toInstant(), notAfter)
                        .dividedBy(3);
        return !now.isBefore(notAfter.minus(margin));
    }

    private SelfSignedMaterial promote(SelfSignedMaterial m, Instant now) {
        return new SelfSignedMaterial(leaf(m.next(), now), m.trusted(), m.next(), null, null);
    }

    private SelfSignedMaterial reissue(SelfSignedMaterial m, Instant now) {
        return new SelfSignedMaterial(leaf(m.signer(), now), m.trusted(), m.signer(), m.next(), m.nextPublished());
    }

    private CertificateFactory.Issued leaf(CertificateFactory.Issued ca, Instant now) {
        return CertificateFactory.serving(ca, dnsNames, List.of(), tls.validity(), now);
    }

    /** Distinct names tell the CAs of a bundle apart (logs, kubectl, openssl). */
    private CertificateFactory.Issued newCa(Instant now) {
        return CertificateFactory.certificateAuthority(
                tls.serviceName() + "-ca@" + now.getEpochSecond(), tls.caValidity(), now);
    }
}
