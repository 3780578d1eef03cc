package io.github.sysched.scheduler.explain;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.github.sysched.kube.ClusterView;
import io.github.sysched.scheduler.config.SchedulerProperties;
import io.github.sysched.scheduler.extender.ExtenderObserver;
import io.github.sysched.scheduler.extender.ExtenderService;
import io.github.sysched.scheduler.leader.Leadership;
import io.github.sysched.scheduler.state.ExtenderState;
import io.github.sysched.scheduler.state.PodSetResolver;
import io.github.sysched.simulation.cli.ImplementationVersion;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.FileSystemResource;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code java -jar sysched-scheduler-exec.jar explain …}: why sysched would put a pod where it would. Reads the live
 * cluster as the extender does (its informers, its resolver, its state, its score), then prints per node the ExS the
 * pod would add there, |U| before and after, the syscalls that would become extraneous, and the node sysched would
 * choose. Nothing is written to the cluster (a manifest's pod is created with a server-side dry run only).
 * Exit codes: 0 explained, 1 the cluster or the input could not be read (the message says why), 2 bad options.
 */
@Command(
        name = "explain",
        mixinStandardHelpOptions = true,
        versionProvider = ImplementationVersion.class,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Explains where sysched would place a pod, and why: for each node the ExS the pod would add "
                    + "there (what the extender's score ranks, lower is better; with the marginal score an empty node counts as "
                    + "the opening cost), the extender's score (0..10), the node's "
                    + "attack surface |U| now and after, the syscalls that would become extraneous (those of the node's "
                    + "pods the pod may not make, and those of the pod the node's pods may not make), and the node sysched "
                    + "would choose.",
            "",
            "The cluster is read as the extender reads it (same informers, same resolution of pods without the "
                    + "exs.sysched.io/syscalls annotation, same score). kube-scheduler adds the extender's score x weight "
                    + "x 10 to its own plugins' scores and filters on more than explain models (cordons, taints, "
                    + "sysched's IPP classes): the node it picks can differ."
        },
        footer = {
            "",
            "Examples:",
            "  explain default/redis1-846ca16-nfx5w",
            "  explain -n shop -f deploy/web.yaml -o json",
            "  kubectl get deploy web -o yaml | explain -f -",
            "  explain default/web-0 --context prod --config extender.yaml   # the chart's application.yaml"
        })
public final class ExplainCommand implements Callable<Integer> {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(ExplainCommand.class);

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "POD",
            description = "a pod of the cluster: NAMESPACE/NAME, or NAME in -n's namespace")
    String podName;

    @Option(
            names = {"-f", "--filename"},
            paramLabel = "FILE",
            description = "a manifest (YAML or JSON) of one Pod or one workload with a pod template (Deployment, "
                    + "StatefulSet, Job, ...); - reads standard input")
    String file;

    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NS",
            description = "namespace of POD or of a manifest that names none (default: the context's, else default)")
    String namespace;

    @Option(
            names = "--kubeconfig",
            paramLabel = "FILE",
            description = "kubeconfig file (default: $KUBECONFIG, "
                    + "else ~/.kube/config, else the in-cluster service account)")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one)")
    String context;

    @Option(
            names = {"-o", "--output"},
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE})")
    Format output;

    @Option(
            names = "--nodes",
            paramLabel = "NODE",
            split = ",",
            description = "consider only these nodes (default: every node of the cluster)")
    List<String> nodes;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "the extender's configuration (application.yaml "
                    + "or .properties, e.g. the chart's ConfigMap), for its sysched.scheduler.* settings. Repeatable.")
    List<Path> configFiles = new ArrayList<>();

    @Option(
            names = "--set",
            paramLabel = "KEY=VALUE",
            description = "one sysched.scheduler.* setting, e.g. "
                    + "--set sysched.scheduler.containers.unprofiled=ignore (wins over --config). Repeatable.")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(
            names = "--admission",
            paramLabel = "MODE",
            defaultValue = "dry-run",
            description = "how a manifest's pod "
                    + "is admitted before it is explained: dry-run (a server-side dry-run create, so the sysched webhook "
                    + "annotates it as it would; nothing is stored) or none (default: ${DEFAULT-VALUE})")
    String admission;

    @Option(
            names = "--syscalls",
            paramLabel = "N",
            defaultValue = "6",
            description = "syscall names shown per table cell (default: ${DEFAULT-VALUE}; json lists all)")
    int namesShown;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description = "how long to wait for the cluster view (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(
            names = {"-v", "--verbose"},
            description = "log what explain does (to standard error)")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    enum Format {
        table,
        json
    }

    private PrintStream out;
    private InputStream stdin;

    /** Runs the command: 0 explained, 1 the cluster or the input could not be read, 2 bad options. */
    public static int run(String[] args, PrintStream out, PrintStream err, InputStream stdin) {
        ExplainCommand command = new ExplainCommand();
        command.out = out;
        command.stdin = stdin;
        CommandLine commandLine = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println("explain: " + e.getMessage());
            e.getCommandLine().getErr().println("(explain --help lists every option)");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            cmd.getErr().println("explain: " + message(e));
            return 1;
        });
        return commandLine.execute(args);
    }

    /** {@code explain …} of the scheduler jar. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err, System.in));
    }

    @Override
    public Integer call() throws Exception {
        if ((podName == null) == (file == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give a POD (NAMESPACE/NAME) or -f FILE");
        }
        if (!Set.of("dry-run", "none").contains(admission)) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--admission must be dry-run or none, not '" + admission + "'");
        }
        logToStandardError(verbose ? Level.INFO : Level.ERROR);
        log.info("reading the extender's settings");
        SchedulerProperties properties = properties();
        Config config = clientConfig();
        log.info("connecting to {}", config.getMasterUrl());
        try (KubernetesClient client =
                new KubernetesClientBuilder().withConfig(config).build()) {
            Target target = file != null ? fromManifest(client, config) : fromCluster(client, config);
            log.info("pod {}/{} read", target.pod().getMetadata().getNamespace(), nameOf(target.pod()));
            List<Node> clusterNodes = nodes(client);
            log.info("{} nodes; starting the extender's informers", clusterNodes.size());
            ExtenderState extender = ExtenderState.create(client, properties, new SimpleMeterRegistry());
            awaitSynced(extender.view());
            log.info(
                    "cluster view synced and stopped: {} pods counted",
                    extender.state().trackedPods());
            Pod pod = target.pod();
            String uid = pod.getMetadata().getUid();
            String currentNode =
                    uid == null ? null : extender.state().nodeOf(uid).orElse(null);
            if (currentNode != null) {
                extender.state().remove(uid); // explained as if it were being scheduled now
            }
            PodSetResolver.Resolution resolution = extender.resolver().resolve(pod, PodSetResolver.Source.REQUEST);
            List<String> notes = new ArrayList<>(target.notes());
            if (resolution.fallback()) {
                notes.add("the pod has "
                        + switch (resolution.origin()) {
                            case MALFORMED -> "a malformed";
                            case UNTRUSTED -> "an unsigned (untrusted)";
                            default -> "no";
                        }
                        + " exs.sysched.io/syscalls annotation: its set is resolved from its own seccomp "
                        + "profiles, as the extender resolves such a pod (the webhook resolves ProfileBindings too)");
            }
            if (!ExtenderState.verifiesSignatures(properties)) {
                notes.add("exs.sysched.io annotations are believed without checking the webhook's signature (no "
                        + "sysched.scheduler.annotations.key-dir here); the extender believes only signed ones");
            }
            if (!properties.weights().isEmpty()) {
                notes.add("ExS is weighted (sysched.scheduler.weights: "
                        + properties.weights().size() + " syscalls); |U| and the syscall lists count names");
            }
            Explanation.PodFacts facts = new Explanation.PodFacts(
                    pod.getMetadata().getNamespace(),
                    nameOf(pod),
                    uid,
                    resolution.syscalls().cardinality(),
                    resolution.origin().name().toLowerCase(),
                    currentNode,
                    target.from(),
                    target.admission());
            ExtenderService service = new ExtenderService(
                    extender.state(),
                    extender.view(),
                    ExtenderState.inFlight(
                            extender.resolver(), extender.state(), properties, new SimpleMeterRegistry()),
                    Leadership.ALWAYS,
                    properties.scoring().extenderScoring(),
                    ExtenderObserver.NONE);
            Explanation explanation =
                    Explanation.of(facts, pod, resolution, clusterNodes, service, extender.state(), notes);
            if (output == Format.json) {
                out.println(JsonMapper.builder()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .build()
                        .writeValueAsString(explanation));
            } else {
                new ExplanationTable(namesShown).print(explanation, out);
            }
            return 0;
        }
    }

    // ---- input ----------------------------------------------------------------------------------------------

    /** The pod to explain and what the reader should know about how it was obtained. */
    private record Target(Pod pod, String from, String admission, List<String> notes) {}

    private Target fromCluster(KubernetesClient client, Config config) {
        String ns = namespace;
        String name = podName;
        int slash = podName.indexOf('/');
        if (slash >= 0) {
            ns = podName.substring(0, slash);
            name = podName.substring(slash + 1);
        }
        if (ns == null || ns.isEmpty()) {
            ns = defaultNamespace(config);
        }
        if (name.isEmpty() || name.contains("/")) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "POD is NAMESPACE/NAME or NAME, not '" + podName + "'");
        }
        Pod pod;
        try {
            pod = client.pods().inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new ExplainException(apiProblem("read pod " + ns + "/" + name, config, e), e);
        }
        if (pod == null) {
            throw new ExplainException("pod " + ns + "/" + name + " not found (kubectl get pods -n " + ns + ")");
        }
        return new Target(pod, null, null, List.of());
    }

    private Target fromManifest(KubernetesClient client, Config config) {
        String text;
        String where = file.equals("-") ? "standard input" : file;
        try {
            text = file.equals("-")
                    ? new String(stdin.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ExplainException("cannot read " + where + ": no such file");
        } catch (IOException | RuntimeException e) {
            throw new ExplainException("cannot read " + where + ": " + message(e));
        }
        String defaultNs = namespace != null && !namespace.isEmpty() ? namespace : defaultNamespace(config);
        ManifestPod manifest;
        try {
            manifest = ManifestPod.read(text, where, defaultNs);
        } catch (IllegalArgumentException e) {
            throw new ExplainException(e.getMessage());
        }
        Pod pod = manifest.pod();
        if (admission.equals("none")) {
            return new Target(pod, manifest.from(), "none", List.of());
        }
        try {
            Pod admitted = client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .resource(pod)
                    .dryRun()
                    .create();
            return new Target(admitted, manifest.from(), "dry-run", List.of());
        } catch (KubernetesClientException e) {
            if (e.getCode() <= 0) {
                throw new ExplainException(apiProblem("create a dry-run pod", config, e), e);
            }
            return new Target(
                    pod,
                    manifest.from(),
                    "none (the server-side dry run was refused: " + e.getCode() + ")",
                    List.of("the server-side dry run was refused (" + e.getCode() + ": " + message(e)
                            + "): the pod is explained as written, without admission (--admission none)"));
        }
    }

    private List<Node> nodes(KubernetesClient client) {
        List<Node> all;
        try {
            all = client.nodes().list().getItems();
        } catch (KubernetesClientException e) {
            throw new ExplainException(apiProblem("list nodes", client.getConfiguration(), e), e);
        }
        if (nodes == null || nodes.isEmpty()) {
            return all;
        }
        Map<String, Node> byName = all.stream()
                .collect(Collectors.toMap(n -> n.getMetadata().getName(), n -> n, (a, b) -> a, LinkedHashMap::new));
        List<String> unknown =
                nodes.stream().filter(n -> !byName.containsKey(n)).toList();
        if (!unknown.isEmpty()) {
            throw new ExplainException(
                    "no such node: " + String.join(", ", unknown) + " (the cluster has " + byName.size() + " nodes)");
        }
        return nodes.stream().distinct().map(byName::get).toList();
    }

    private void awaitSynced(ClusterView view) throws InterruptedException {
        view.start();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            // watching too: stopped right after its list, an informer would abandon its watch half opened; and every
            // listed pod handed to the state, or stopping would drop the notifications still queued
            while (!view.synced() || !view.watching() || !view.podsDelivered()) {
                if (System.nanoTime() > deadline) {
                    throw new ExplainException(
                            "the cluster view did not sync within " + timeout + ": " + view.problem());
                }
                Thread.sleep(50);
            }
        } finally {
            view.stopAndWait(
                    Duration.ofSeconds(2)); // the figures are of this moment: later events must not change them
        }
    }

    // ---- configuration --------------------------------------------------------------------------------------

    /** {@code sysched.scheduler.*} bound as the extender binds it: its defaults, then --config files, then --set. */
    private SchedulerProperties properties() {
        List<PropertySource<?>> sources = new ArrayList<>();
        sources.add(new MapPropertySource("--set", new LinkedHashMap<>(settings)));
        for (int i = configFiles.size() - 1; i >= 0; i--) { // later files win, as later --set values do
            Path path = configFiles.get(i);
            if (!Files.isRegularFile(path)) {
                throw new ExplainException("cannot read --config " + path + ": no such file");
            }
            try {
                String name = path.getFileName().toString();
                sources.addAll(
                        name.endsWith(".yaml") || name.endsWith(".yml")
                                ? new YamlPropertySourceLoader().load(path.toString(), new FileSystemResource(path))
                                : new PropertiesPropertySourceLoader()
                                        .load(path.toString(), new FileSystemResource(path)));
            } catch (IOException | RuntimeException e) {
                throw new ExplainException("cannot read --config " + path + ": " + message(e));
            }
        }
        Binder binder = new Binder(
                ConfigurationPropertySources.from(sources), null, ApplicationConversionService.getSharedInstance());
        try {
            return binder.bindOrCreate("sysched.scheduler", SchedulerProperties.class);
        } catch (BindException e) {
            throw new ExplainException("invalid extender setting " + e.getName() + ": " + message(e));
        }
    }

    private Config clientConfig() {
        Config config;
        try {
            if (kubeconfig != null) {
                if (!Files.isReadable(kubeconfig)) {
                    throw new ExplainException("cannot read --kubeconfig " + kubeconfig);
                }
                config = Config.fromKubeconfig(context, kubeconfig.toFile());
            } else {
                config = Config.autoConfigure(context);
            }
        } catch (ExplainException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ExplainException(
                    "cannot load the kubeconfig" + (context == null ? "" : " context " + context) + ": " + message(e));
        }
        if (context != null
                && !context.equals(
                        config.getCurrentContext() == null
                                ? null
                                : config.getCurrentContext().getName())) {
            throw new ExplainException("no context " + context + " in the kubeconfig");
        }
        // a command fails fast: no retries of refused connections, bounded waits
        return new ConfigBuilder(config)
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(5_000)
                .withRequestTimeout(20_000)
                .build();
    }

    private static String defaultNamespace(Config config) {
        return config.getNamespace() == null || config.getNamespace().isEmpty() ? "default" : config.getNamespace();
    }

    // ---- messages -------------------------------------------------------------------------------------------

    private static String apiProblem(String what, Config config, KubernetesClientException e) {
        Throwable cause = rootCause(e);
        if (e.getCode() <= 0
                && (cause instanceof ConnectException
                        || cause instanceof UnknownHostException
                        || cause instanceof java.net.SocketTimeoutException
                        || cause instanceof java.io.IOException)) {
            return "cannot reach the Kubernetes API at " + config.getMasterUrl() + " to " + what + ": "
                    + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        if (e.getCode() == 401 || e.getCode() == 403) {
            return "the Kubernetes API refused to " + what + " (" + e.getCode() + "): "
                    + (e.getStatus() == null || e.getStatus().getMessage() == null
                            ? message(e)
                            : e.getStatus().getMessage());
        }
        return "cannot " + what + ": " + message(e);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** One line: the exception's message, else its type; never a stack trace. */
    static String message(Throwable e) {
        if (e instanceof ExplainException) {
            return e.getMessage();
        }
        String text = e.getMessage();
        if (text == null || text.isBlank()) {
            Throwable cause = rootCause(e);
            text = cause == e ? e.getClass().getSimpleName() : cause.toString();
        }
        return text.lines().findFirst().orElse(text);
    }

    private static String nameOf(Pod pod) {
        String name = pod.getMetadata().getName();
        return name != null && !name.isEmpty() ? name : pod.getMetadata().getGenerateName() + "<generated>";
    }

    /**
     * Logback writes to standard output at DEBUG when nothing configures it (Spring Boot does, but explain does not
     * start Spring): logs go to standard error instead, so that {@code -o json} stays parseable, errors only unless
     * {@code --verbose}.
     */
    private static void logToStandardError(Level level) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext logback)) {
            return;
        }
        logback.reset();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logback);
        encoder.setPattern("explain: %d{HH:mm:ss.SSS} %level %logger{0}: %msg%n");
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(logback);
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        ch.qos.logback.classic.Logger root = logback.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        root.addAppender(appender);
        // closing the client races the informers' last callbacks ("Failed to submit a listener notification task.
        // Event loop shut down?"): harmless, and not the user's concern
        logback.getLogger("io.netty").setLevel(level == Level.ERROR ? Level.OFF : level);
    }

    /** An explained failure: its message is printed as it is. */
    static final class ExplainException extends RuntimeException {
        ExplainException(String message) {
            super(message);
        }

        ExplainException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return org.springframework.boot.convert.DurationStyle.detectAndParse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("not a duration: '" + value + "' (e.g. 30s, 2m)");
            }
        }
    }
}
