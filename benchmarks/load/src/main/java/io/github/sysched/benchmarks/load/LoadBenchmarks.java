package io.github.sysched.benchmarks.load;

import io.github.sysched.demo.DemoHarness;
import io.github.sysched.simulation.WorkloadLoader;
import io.github.sysched.simulation.cli.ImplementationVersion;
import io.github.sysched.syscall.SyscallWeights;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The HTTP load generators against the real services (B2, B3 of BENCHMARKS.md), on the demo's
 * {@link DemoHarness}: the embedded API server and both Spring apps in this JVM.
 *
 * <pre>
 * java -Xmx4g -jar benchmarks/load/target/sysched-load.jar b2    extender round trip, 5,000 nodes x 30 pods
 * java -jar benchmarks/load/target/sysched-load.jar b3           webhook /mutate over TLS, concurrency and fixed rate
 * java -Xmx4g -jar benchmarks/load/target/sysched-load.jar b6    heap of the extender's pod state, 150,000 pods
 * java -Xmx2g -jar benchmarks/load/target/sysched-load.jar b7    extender cost per pod, kube-scheduler-shaped
 * </pre>
 * Several benchmarks run one after the other ({@code b2 b3}). Each option's default can also be set with the system
 * property in its description ({@code -Db2.requests=...}). Exit status 1 if any answer was wrong or a benchmark
 * failed, 2 on a usage error.
 */
@Command(
        name = "sysched-load",
        mixinStandardHelpOptions = true,
        versionProvider = ImplementationVersion.class,
        subcommands = {
            LoadBenchmarks.B2.class,
            LoadBenchmarks.B3.class,
            LoadBenchmarks.B6.class,
            LoadBenchmarks.B7.class
        },
        subcommandsRepeatable = true,
        description = "HTTP load generators against the real services (BENCHMARKS.md): b2, b3, b6, b7, or several in "
                + "order.")
public final class LoadBenchmarks {

    /**
     * Held so that its level sticks: java.util.logging keeps loggers weakly, and the mock API server would log
     * every request it serves once this one is collected.
     */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    /** One benchmark: whether every answer was right. */
    private interface Benchmark {
        boolean run() throws Exception;
    }

    @Command(
            name = "b2",
            mixinStandardHelpOptions = true,
            versionProvider = ImplementationVersion.class,
            description = "Extender /filter and /prioritize, 5,000 NodeNames, state 5,000 nodes x 30 pods "
                    + "(run the JVM with -Xmx4g).")
    static final class B2 implements Benchmark {

        @Spec
        private CommandSpec spec;

        @Option(
                names = "--warmup",
                paramLabel = "N",
                defaultValue = "${sys:b2.warmup:-1000}",
                description = "Warm-up filter/prioritize pairs (b2.warmup; default ${DEFAULT-VALUE}).")
        private int warmUp;

        @Option(
                names = "--requests",
                paramLabel = "N",
                defaultValue = "${sys:b2.requests:-3000}",
                description = "Measured pairs (b2.requests; default ${DEFAULT-VALUE}).")
        private int requests;

        @Override
        public boolean run() throws Exception {
            atLeast(spec, "--warmup", warmUp, 0);
            atLeast(spec, "--requests", requests, 1);
            return new ExtenderRoundTrip(System.out, warmUp, requests).run();
        }
    }

    @Command(
            name = "b3",
            mixinStandardHelpOptions = true,
            versionProvider = ImplementationVersion.class,
            description = "Webhook /mutate over TLS: closed loops at concurrency 1, 16, 64, then a fixed rate.")
    static final class B3 implements Benchmark {

        @Spec
        private CommandSpec spec;

        @Option(
                names = "--seconds",
                paramLabel = "S",
                defaultValue = "${sys:b3.seconds:-10}",
                description = "Seconds per concurrency level (b3.seconds; default ${DEFAULT-VALUE}).")
        private double seconds;

        @Option(
                names = "--rate",
                paramLabel = "R",
                defaultValue = "${sys:b3.rate:-1000}",
                description = "Requests per second of the fixed-rate phase (b3.rate; default ${DEFAULT-VALUE}).")
        private double rate;

        @Option(
                names = "--rate-seconds",
                paramLabel = "S",
                defaultValue = "${sys:b3.rateSeconds:-15}",
                description = "Length of the fixed-rate phase (b3.rateSeconds; default ${DEFAULT-VALUE}).")
        private double rateSeconds;

        @Option(
                names = "--rate-connections",
                paramLabel = "N",
                defaultValue = "${sys:b3.rateConnections:-32}",
                description = "Connections of the fixed-rate phase (b3.rateConnections; default ${DEFAULT-VALUE}).")
        private int rateConnections;

        @Override
        public boolean run() throws Exception {
            positive(spec, "--seconds", seconds);
            positive(spec, "--rate", rate);
            positive(spec, "--rate-seconds", rateSeconds);
            atLeast(spec, "--rate-connections", rateConnections, 1);
            return new AdmissionLoad(System.out, seconds, rate, rateSeconds, rateConnections).run();
        }
    }

    @Command(
            name = "b7",
            mixinStandardHelpOptions = true,
            versionProvider = ImplementationVersion.class,
            description = "The extender's cost per pod, kube-scheduler-shaped: the exec jar as its own JVM, one pod "
                    + "at a time over keep-alive, 230 and 5,000 NodeNames, plain and mutual TLS, next to the /noop "
                    + "floor (run from the repository root).")
    static final class B7 implements Benchmark {

        @Spec
        private CommandSpec spec;

        @Option(
                names = "--jar",
                paramLabel = "JAR",
                defaultValue = "${sys:b7.jar}",
                description =
                        "Scheduler exec jar measured (b7.jar; default scheduler/target/sysched-scheduler-*-exec.jar).")
        private Path jar;

        @Option(
                names = "--compare-jar",
                paramLabel = "JAR",
                defaultValue = "${sys:b7.compareJar}",
                description =
                        "Another build's exec jar, measured over plain HTTP in alternating rounds (b7.compareJar).")
        private Path compareJar;

        @Option(
                names = "--pods",
                paramLabel = "N",
                defaultValue = "${sys:b7.pods:-2000}",
                description = "Measured pods per scenario and extender (b7.pods; default ${DEFAULT-VALUE}).")
        private int pods;

        @Option(
                names = "--warmup",
                paramLabel = "N",
                defaultValue = "${sys:b7.warmup:-1000}",
                description = "Warm-up pods per scenario and extender (b7.warmup; default ${DEFAULT-VALUE}).")
        private int warmUp;

        @Option(
                names = "--rounds",
                paramLabel = "N",
                defaultValue = "${sys:b7.rounds:-4}",
                description = "Rounds the measured pods are split in, alternating the extenders (b7.rounds; default "
                        + "${DEFAULT-VALUE}).")
        private int rounds;

        @Option(
                names = "--bind",
                defaultValue = "${sys:b7.bind:-false}",
                description = "Also measure the sequences with /bind (b7.bind).")
        private boolean bind;

        @Option(
                names = "--node-names",
                paramLabel = "N",
                split = ",",
                defaultValue = "${sys:b7.nodeNames:-230,5000}",
                description = "NodeNames per request, the sizes measured (b7.nodeNames; default ${DEFAULT-VALUE}).")
        private List<Integer> nodeNames;

        @Option(
                names = "--ipp-off-only",
                defaultValue = "${sys:b7.ippOffOnly:-false}",
                description = "Measure only /prioritize (IPP off), not filter + prioritize (b7.ippOffOnly).")
        private boolean ippOffOnly;

        @Option(
                names = "--no-mtls",
                defaultValue = "${sys:b7.noMtls:-false}",
                description = "Do not measure this build over mutual TLS (b7.noMtls): for quicker runs.")
        private boolean noMtls;

        @Option(
                names = "--extender-jvm-option",
                paramLabel = "OPTION",
                description = "A JVM option for every extender, e.g. -XX:StartFlightRecording=filename=/tmp/b7-%%p.jfr "
                        + "(repeatable).")
        private List<String> extenderJvmOptions = new ArrayList<>();

        @Option(
                names = "--pin-cpus",
                paramLabel = "CLIENT:EXTENDERS",
                defaultValue = "${sys:b7.pinCpus}",
                description = "Pin this load generator and the extenders to separate CPUs with taskset, e.g. 0:1 "
                        + "(b7.pinCpus; default: not pinned): the client no longer competes with the extender for a "
                        + "core, so the percentiles show the extender's latency rather than the machine's sharing.")
        private String pinCpus;

        @Option(
                names = "--weights",
                paramLabel = "FILE|none",
                defaultValue = "${sys:b7.weights:-examples/simulation/cve-weights.txt}",
                description = "Syscall weights the extenders score with, \"name weight\" lines as simulate reads them "
                        + "(b7.weights; default ${DEFAULT-VALUE}: the chart's default, the vulnerable syscalls at 5); "
                        + "none: every syscall 1, SySched's unweighted ExS.")
        private String weights;

        @Override
        public boolean run() throws Exception {
            atLeast(spec, "--pods", pods, 1);
            atLeast(spec, "--warmup", warmUp, 0);
            atLeast(spec, "--rounds", rounds, 1);
            for (int size : nodeNames) {
                if (size < 1 || size > ExtenderPodCost.NODES) {
                    throw new ParameterException(
                            spec.commandLine(), "--node-names: each between 1 and " + ExtenderPodCost.NODES);
                }
            }
            ExtenderPodCost.Pinning pinning = pinCpus == null ? null : ExtenderPodCost.Pinning.parse(spec, pinCpus);
            return new ExtenderPodCost(
                            System.out,
                            new ExtenderPodCost.Settings(
                                    jar != null ? jar : schedulerJar(spec),
                                    compareJar,
                                    pods,
                                    warmUp,
                                    rounds,
                                    bind,
                                    List.copyOf(nodeNames),
                                    ippOffOnly,
                                    !noMtls,
                                    List.copyOf(extenderJvmOptions),
                                    pinning,
                                    weights.equals("none")
                                            ? SyscallWeights.uniform()
                                            : WorkloadLoader.readWeights(Path.of(weights))))
                    .run();
        }

        /** This build's scheduler exec jar, run from the repository root. */
        private static Path schedulerJar(CommandSpec spec) {
            try (DirectoryStream<Path> jars =
                    Files.newDirectoryStream(Path.of("scheduler/target"), "sysched-scheduler-*-exec.jar")) {
                for (Path jar : jars) {
                    return jar;
                }
            } catch (IOException e) {
                // reported below
            }
            throw new ParameterException(
                    spec.commandLine(),
                    "no scheduler/target/sysched-scheduler-*-exec.jar: build "
                            + "it, run from the repository root, or give --jar");
        }
    }

    @Command(
            name = "b6",
            mixinStandardHelpOptions = true,
            versionProvider = ImplementationVersion.class,
            description = "Heap of the extender's pod state at 150,000 pods on 5,000 nodes, loaded as b2 loads them "
                    + "(run the JVM with -Xmx4g).")
    static final class B6 implements Benchmark {

        @Override
        public boolean run() throws Exception {
            return new PodCacheHeap(System.out).run();
        }
    }

    private LoadBenchmarks() {}

    public static void main(String[] args) {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        // System.exit: the embedded API server's threads would keep the JVM alive
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new LoadBenchmarks())
                .setExecutionStrategy(LoadBenchmarks::runAll)
                .setExecutionExceptionHandler((e, commandLine, parsed) -> {
                    commandLine.getErr().println("load benchmark failed: " + e);
                    e.printStackTrace(commandLine.getErr());
                    return 1;
                });
    }

    /** Runs the named benchmarks in order; 0 when every answer of every one was right. */
    private static int runAll(ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        if (!parsed.hasSubcommand()) {
            throw new ParameterException(parsed.commandSpec().commandLine(), "name a benchmark: b2, b3, b6, b7");
        }
        boolean right = true;
        for (ParseResult benchmark : parsed.subcommands()) {
            try {
                right &= ((Benchmark) benchmark.commandSpec().userObject()).run();
            } catch (ParameterException e) {
                throw e;
            } catch (Exception e) {
                throw new CommandLine.ExecutionException(
                        benchmark.commandSpec().commandLine(),
                        benchmark.commandSpec().name() + " failed",
                        e);
            }
        }
        return right ? 0 : 1;
    }

    private static void atLeast(CommandSpec spec, String option, int value, int minimum) {
        if (value < minimum) {
            throw new ParameterException(
                    spec.commandLine(), option + " must be at least " + minimum + ", got " + value);
        }
    }

    private static void positive(CommandSpec spec, String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new ParameterException(spec.commandLine(), option + " must be a positive number, got " + value);
        }
    }
}
