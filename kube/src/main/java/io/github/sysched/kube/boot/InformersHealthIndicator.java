package io.github.sysched.kube.boot;

import io.github.sysched.kube.ClusterView;
import io.github.sysched.kube.WatchHealth;
import io.github.sysched.spo.SpoScope;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code informers} health, in the readiness group of both services: UP once the SPO scope is known and every
 * informer of the {@link ClusterView} has synced (and the services' {@link ReadinessContributor#onSynced} warm-ups
 * have run once), OUT_OF_SERVICE with the {@code reason} before that, and again while an informer has been without
 * its watch for longer than {@link WatchHealth#GRACE} (API server unreachable, failing or too slow to relist); UP
 * once it watches again. The services keep answering from the last state seen meanwhile.
 *
 * <p>Details: {@code spoScope} ({@code unknown} until known), {@code spoVersion}, one {@code <resource>Synced} per
 * watched resource (e.g. {@code podsSynced}), and what the services' contributors add.
 */
public class InformersHealthIndicator implements HealthIndicator {

    private final ClusterView view;
    private final List<ReadinessContributor> contributors;
    private volatile boolean warm;

    public InformersHealthIndicator(ClusterView view, List<ReadinessContributor> contributors) {
        this.view = view;
        this.contributors = List.copyOf(contributors);
    }

    @Override
    public Health health() {
        if (view.synced() && !warm) {
            synchronized (this) {
                if (!warm) {
                    contributors.forEach(ReadinessContributor::onSynced);
                    warm = true;
                }
            }
        }
        String problem = view.problem();
        Health.Builder health =
                problem.isEmpty() ? Health.up() : Health.outOfService().withDetail("reason", problem);
        SpoScope scope = view.scope();
        health.withDetail("spoScope", scope == null ? "unknown" : scope.name())
                .withDetail("spoVersion", view.version().seccompProfileVersion());
        for (ClusterView.Resource resource : view.resources()) {
            health.withDetail(syncedDetail(resource), view.synced(resource));
        }
        contributors.forEach(contributor -> health.withDetails(contributor.details()));
        return health.build();
    }

    /** {@code SECCOMP_PROFILES} → {@code seccompProfilesSynced}. */
    static String syncedDetail(ClusterView.Resource resource) {
        StringBuilder name = new StringBuilder();
        for (String word : resource.name().toLowerCase(Locale.ROOT).split("_")) {
            name.append(name.isEmpty() ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        return name.append("Synced").toString();
    }
}
