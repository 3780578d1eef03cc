package io.github.sysched.scheduler.leader;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One answering replica among several: contends for a Lease (fabric8's {@link
 * io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector}) once the cluster view has synced, and, while it
 * leads, points the extender's selector-less Service at itself by writing the EndpointSlice
 * {@code <serviceName>-leader} (its address, the {@code http} and {@code metrics} ports). A replica that loses the
 * Lease, or cannot renew it within {@code renewDeadline}, stops answering at once; the next leader overwrites the
 * slice. On shutdown the Lease is released, so a standby takes over within {@code retryPeriod}.
 *
 * <p>Every replica stays ready (informers synced) so that rolling updates and disruption budgets work as for any
 * Deployment; the Service, not readiness, decides where kube-scheduler's calls go.
 */
public final class LeaderElection implements Leadership {

    private static final Logger log = LoggerFactory.getLogger(LeaderElection.class);
    static final String MANAGED_BY = "sysched.io/extender-leader";

    private final KubernetesClient client;
    private final ClusterView view;
    private final SchedulerProperties.LeaderElection settings;
    private final String namespace;
    private final String identity;
    private final Map<String, String> environment;
    private final IntSupplier serverPort;
    private final String serverPortName;
    private final IntSupplier managementPort;
    private final ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "extender-leader");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean leading;
    private volatile String leader = "";
    private volatile boolean running;
    private volatile CompletableFuture<?> term;
    private Thread contender;

    /**
     * @param serverPort / managementPort the ports this replica listens on (read when the slice is written)
     * @param serverPortName the name of the Service's extender port, which the slice's port must carry for the Service
     *                       to route to it: {@code https} with the extender's TLS, else {@code http} (the chart's)
     */
    public LeaderElection(
            KubernetesClient client,
            ClusterView view,
            SchedulerProperties.LeaderElection settings,
            Map<String, String> environment,
            IntSupplier serverPort,
            String serverPortName,
            IntSupplier managementPort) {
        this.client = client;
        this.view = view;
        this.settings = settings;
        this.environment = environment;
        this.serverPort = serverPort;
        this.serverPortName = serverPortName;
        this.managementPort = managementPort;
        this.namespace = !settings.namespace().isEmpty()
                ? settings.namespace()
                : environment.getOrDefault("POD_NAMESPACE", "default");
        this.identity = !settings.identity().isEmpty()
                ? settings.identity()
                : environment.getOrDefault(
                        "POD_NAME",
                        hostName() + "-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @Override
    public boolean leading() {
        return leading;
    }

    @Override
    public String leader() {
        return leader;
    }

    public String identity() {
        return identity;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        contender = new Thread(this::contend, "extender-leader-election");
        contender.setDaemon(true);
        contender.start();
    }

    public synchronized void stop() {
        running = false;
        CompletableFuture<?> current = term;
        if (current != null) {
            current.cancel(true); // releases the Lease (releaseOnCancel): a standby takes over within retryPeriod
        }
        if (contender != null) {
            contender.interrupt();
        }
        leading = false;
        publisher.shutdownNow();
    }

    public boolean isRunning() {
        return running;
    }

    private void contend() {
        try {
            while (running && !view.synced()) {
                Thread.sleep(100); // a replica that cannot answer yet must not take the Lease
            }
            while (running) {
                term = client.leaderElector()
                        .withConfig(new LeaderElectionConfigBuilder()
                                .withName("sysched-extender")
                                .withLock(new LeaseLock(namespace, settings.leaseName(), identity))
                                .withLeaseDuration(settings.leaseDuration())
                                .withRenewDeadline(settings.renewDeadline())
                                .withRetryPeriod(settings.retryPeriod())
                                .withReleaseOnCancel(true)
                                .withLeaderCallbacks(new LeaderCallbacks(
                                        this::startedLeading, this::stoppedLeading, this::newLeader))
                                .build())
                        .build()
                        .start();
                try {
                    term.get();
                } catch (CancellationException | ExecutionException e) {
                    log.debug("leader election term ended: {}", e.toString());
                }
                leading = false;
                Thread.sleep(settings.retryPeriod().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping
        }
    }

    private void startedLeading() {
        leading = true;
        leader = identity;
        log.info("extender leader: {} (Lease {}/{})", identity, namespace, settings.leaseName());
        publisher.execute(this::publish);
    }

    private void stoppedLeading() {
        if (leading) {
            log.info("extender {} is no longer the leader; refusing requests", identity);
        }
        leading = false;
    }

    private void newLeader(String current) {
        leader = current == null ? "" : current;
    }

    /** Points the Service at this replica; retried every retryPeriod while it leads. */
    private void publish() {
        if (!leading || !running || settings.serviceName().isEmpty()) {
            return;
        }
        String address = !settings.address().isEmpty() ? settings.address() : environment.getOrDefault("POD_IP", "");
        if (address.isEmpty()) {
            log.warn(
                    "leader {} has no address (sysched.scheduler.leader-election.address or POD_IP): the Service {} "
                            + "is not pointed at it",
                    identity,
                    settings.serviceName());
            return;
        }
        try {
            writeSlice(address);
            log.info(
                    "Service {}/{} now routes to the leader {} ({})",
                    namespace,
                    settings.serviceName(),
                    identity,
                    address);
        } catch (KubernetesClientException e) {
            log.warn(
                    "cannot write EndpointSlice {}/{}-leader: {}; retrying",
                    namespace,
                    settings.serviceName(),
                    e.getMessage());
            publisher.schedule(this::publish, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void writeSlice(String address) {
        String name = settings.serviceName() + "-leader";
        EndpointSliceBuilder slice = new EndpointSliceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .addToLabels("kubernetes.io/service-name", settings.serviceName())
                .addToLabels("endpointslice.kubernetes.io/managed-by", MANAGED_BY)
                .endMetadata()
                .withAddressType(address.contains(":") ? "IPv6" : "IPv4")
                .addNewPort()
                .withName(serverPortName)
                .withPort(serverPort.getAsInt())
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withName("metrics")
                .withPort(managementPort.getAsInt())
                .withProtocol("TCP")
                .endPort();
        String podName = environment.getOrDefault("POD_NAME", "");
        if (podName.isEmpty()) {
            slice.addNewEndpoint()
                    .withAddresses(address)
                    .withNewConditions()
                    .withReady(true)
                    .withServing(true)
                    .withTerminating(false)
                    .endConditions()
                    .endEndpoint();
        } else {
            slice.addNewEndpoint()
                    .withAddresses(address)
                    .withNewConditions()
                    .withReady(true)
                    .withServing(true)
                    .withTerminating(false)
                    .endConditions()
                    .withNewTargetRef()
                    .withKind("Pod")
                    .withNamespace(namespace)
                    .withName(podName)
                    .withUid(environment.get("POD_UID"))
                    .endTargetRef()
                    .endEndpoint();
        }
        var slices = client.discovery().v1().endpointSlices().inNamespace(namespace);
        EndpointSlice existing = slices.withName(name).get();
        if (existing == null) {
            slices.resource(slice.build()).create();
        } else {
            EndpointSlice replacement = slice.build();
            replacement.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            slices.resource(replacement).update();
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "sysched-extender";
        }
    }
}
