package io.github.sysched.simulation.cli;

import io.fabric8.kubernetes.api.model.Quantity;
import io.github.sysched.profile.ProfileKey;
import io.github.sysched.scoring.MarginalExs;
import io.github.sysched.scoring.PlacementPlanner;
import io.github.sysched.scoring.RebalancePlanner;
import io.github.sysched.scoring.ReplicaSpreadGuard;
import io.github.sysched.simulation.ClairvoyantSearch;
import io.github.sysched.simulation.ClusterSpec;
import io.github.sysched.simulation.KubernetesInput;
import io.github.sysched.simulation.ManifestWorkload;
import io.github.sysched.simulation.OptimalityGap;
import io.github.sysched.simulation.PlacementSimulator;
import io.github.sysched.simulation.PodRequests;
import io.github.sysched.simulation.SchedulableNodes;
import io.github.sysched.simulation.SimNode;
import io.github.sysched.simulation.SimPod;
import io.github.sysched.simulation.SimulationReport;
import io.github.sysched.simulation.SimulationResult;
import io.github.sysched.simulation.Strategy;
import io.github.sysched.simulation.StrategyRuns;
import io.github.sysched.simulation.Workload;
import io.github.sysched.simulation.WorkloadFile;
import io.github.sysched.simulation.WorkloadLoader;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar sysched-scheduler-exec.jar simulate …}: places a workload with the strategies asked for and prints
 * what each leaves exposed (common's {@code io.github.sysched.simulation}). No Spring, no cluster: everything comes
 * from files. The command line is picocli's: {@code --opt value} and {@code --opt=value}, {@code --help},
 * {@code --version}; a bad option or value is named in the error, which exits with 2.
 */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        versionProvider = ImplementationVersion.class,
        sortOptions = false,
        usageHelpWidth = 110,
        description = {
            "Places a workload pod by pod with each strategy and prints what each placement leaves exposed "
                    + "(cluster ExS, attack surface, victims per vulnerable syscall, replica spread).",
            "",
            "Strategies: base[+rule...][+weighted][@SEED]. Bases: spread, random, exs (today's extender score alone), "
                    + "marginal (the marginal-ExS score alone), kube (kube-scheduler v1.26's default plugins), "
                    + "kube+exs:W, kube+marginal:W (plus the extender at weight W). Rules for the pods the replica-spread "
                    + "guard covers: guard (the extender's filter), tsc (webhook-injected topologySpreadConstraints, "
                    + "DoNotSchedule), tsc-soft (the same, ScheduleAnyway; kube only). anneal: not a scheduler's rule but "
                    + "a bound: an offline search then improves the finished placement within node limits and the "
                    + "guard's bound, knowing every pod (--anneal-steps). rebalance[:K]: a descheduler-style "
                    + "rebalancer then evicts up to K pods (no K: until none gains --rebalance-min-gain), each the one "
                    + "whose replacement is predicted to lower the cluster ExS most, and the strategy places each "
                    + "replacement again. plan: the extender plans the pods still to come (--plan-lookahead) and the nodes"
                    + " its plan holds for a pod's workload get its top score. weighted: the extender scores (and anneal, rebalance "
                    + "minimize) with --weights. Ties are broken at random from SEED (default 1), as kube-scheduler "
                    + "breaks them."
        },
        footer = {
            "",
            "Examples:",
            "  simulate --workload examples/simulation/workload.txt \\",
            "      --vulnerable examples/simulation/vulnerable-syscalls.txt \\",
            "      --strategies spread,kube,kube+marginal:3+tsc,marginal+guard --runs 20",
            "  simulate --pods examples/sysched-demo --nodes=2 --placement"
        })
public final class SimulateCommand implements Callable<Integer> {

    @Option(
            names = "--workload",
            paramLabel = "FILE",
            description = "a workload file: \"image replicas\" lines and settings (see examples/simulation)")
    Path workloadFile;

    @Option(
            names = "--pods",
            paramLabel = "PATH",
            description = "Kubernetes objects (YAML or JSON files or "
                    + "directories, e.g. kubectl get pods -A -o json, or manifests): Pods, Deployments, StatefulSets, "
                    + "SeccompProfiles, ProfileBindings, Namespaces, Nodes. Repeatable.")
    List<Path> pods = new ArrayList<>();

    @Option(
            names = "--profiles",
            paramLabel = "PATH",
            description =
                    "more objects to read, typically SPO "
                            + "SeccompProfiles (with --pods); or the profile directory of a --workload file. Repeatable with --pods.")
    List<Path> profiles = new ArrayList<>();

    @Option(
            names = "--nodes",
            paramLabel = "N|FILE",
            description = "N empty nodes, or the Nodes of FILE (kubectl get "
                    + "nodes -o json); default: the workload file's setting, else the Node objects among --pods")
    String nodes;

    @Option(
            names = "--pods-per-node",
            paramLabel = "N",
            description = "per-node pod limit; default: the workload "
                    + "file's setting, else each node's allocatable pods, else 110")
    Integer podsPerNode;

    @Option(
            names = "--node-cpu",
            paramLabel = "QUANTITY",
            description = "allocatable CPU of nodes given as a count " + "(default 4)")
    String nodeCpu;

    @Option(
            names = "--node-memory",
            paramLabel = "QUANTITY",
            description = "allocatable memory of nodes given as a " + "count (default 16Gi)")
    String nodeMemory;

    @Option(
            names = "--zones",
            paramLabel = "Z",
            description = "label nodes given as a count with Z zones, round-robin "
                    + "(topology.kubernetes.io/zone = zone-1 ..); default: none")
    Integer zones;

    @Option(
            names = "--pod-requests",
            paramLabel = "CPU,MEMORY",
            description = "resource requests of every pod of a "
                    + "--workload file, e.g. 250m,512Mi (default: none, counted as 100m,200Mi by LeastAllocated)")
    String podRequests;

    @Option(
            names = "--vulnerable",
            paramLabel = "FILE",
            description = "syscall names V for the victim metrics (default: none, victims are 0)")
    Path vulnerable;

    @Option(
            names = "--weights",
            paramLabel = "FILE",
            description = "syscall weights, \"name weight\" lines (others "
                    + "weigh 1): the +weighted strategies score with them and weighted_exs measures with them")
    Path weights;

    @Option(
            names = "--strategies",
            paramLabel = "STRATEGY",
            split = ",",
            converter = StrategyConverter.class,
            description = "comma-separated strategies (default: ${DEFAULT-VALUE})",
            defaultValue = "spread,kube,kube+exs:1,exs,marginal+guard")
    List<Strategy> strategies;

    @Option(
            names = "--runs",
            paramLabel = "N",
            defaultValue = "1",
            description = "run each strategy with N tie-breaking "
                    + "seeds (SEED, SEED+1, ..) and report the means (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(
            names = "--order",
            paramLabel = "ORDER",
            description = "arrival order: listed, interleaved, rollout[:WORKERS] "
                    + "(Deployments applied together), shuffled:SEED (default: the workload file's, else the input's)")
    String order;

    @Option(
            names = "--max-skew",
            paramLabel = "N",
            defaultValue = "1",
            description = "the replica-spread guard's "
                    + "maxSkew: at most ceil(r/N) + maxSkew - 1 replicas per node (default: ${DEFAULT-VALUE})")
    int maxSkew;

    @Option(
            names = "--opening-cost",
            paramLabel = "N",
            description = "the marginal score's cost of an empty node, in " + "(weighted) syscalls (default: "
                    + MarginalExs.DEFAULT_OPENING_COST + ")")
    Long openingCost;

    @Option(
            names = "--extender-lag",
            paramLabel = "N",
            defaultValue = "0",
            description = "the extender has not seen "
                    + "the latest N placements yet (asynchronous binding; default: ${DEFAULT-VALUE})")
    int extenderLag;

    @Option(
            names = "--anneal-steps",
            paramLabel = "N",
            description = "moves the +anneal rule's offline search tries per run (default: "
                    + ClairvoyantSearch.DEFAULT_STEPS + ")")
    Long annealSteps;

    @Option(
            names = "--plan-lookahead",
            paramLabel = "N",
            description = "the +plan rule knows a workload's pods N arrivals before its first pod arrives, as when its"
                    + " controller exists before it creates pods (default: every workload from the start)")
    Integer planLookahead;

    @Option(
            names = "--plan-steps",
            paramLabel = "N",
            description =
                    "moves the +plan rule's planner tries per plan (default: " + PlacementPlanner.DEFAULT_STEPS + ")")
    Long planSteps;

    @Option(
            names = "--rebalance-min-gain",
            paramLabel = "N",
            description = "the +rebalance rule's least predicted gain, in (weighted) syscalls, worth an eviction "
                    + "(default: " + RebalancePlanner.DEFAULT_MIN_GAIN + ")")
    Long rebalanceMinGain;

    @Option(
            names = "--spo-scope",
            paramLabel = "SCOPE",
            description = "namespaced or cluster (default: from the profiles' metadata)")
    String scope;

    @Option(
            names = "--default-profile",
            paramLabel = "P",
            description = "profile of pods without one, NAMESPACE/NAME or NAME (default default/full-seccomp)")
    String defaultProfile;

    @Option(names = "--placement", description = "also print which pods each strategy put on each node")
    boolean placement;

    @Option(names = "--csv", paramLabel = "FILE", description = "write every column as CSV")
    Path csv;

    @Option(names = "--svg", paramLabel = "FILE", description = "write a bar chart of the main columns as SVG")
    Path svg;

    @Option(
            names = "--small-instances",
            paramLabel = "N",
            description =
                    "instead of placing the workload, sample N "
                            + "instances of at most 12 pods from its profiles and report each strategy's gap to the exact optimum")
    Integer smallInstances;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private PrintStream out;

    /** Runs the command; 0 on success, 2 on bad arguments or input (explained on {@code err}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        SimulateCommand command = new SimulateCommand();
        command.out = out;
        CommandLine commandLine = new CommandLine(command);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("simulate: " + e.getMessage());
            cmd.getErr().println("(simulate --help lists every option)");
            return 2;
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof IllegalArgumentException || e instanceof UncheckedIOException) {
                cmd.getErr().println("simulate: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        return commandLine.execute(args);
    }

    /** Reads each strategy of {@code --strategies}, so a bad one is reported with the option's name. */
    static final class StrategyConverter implements CommandLine.ITypeConverter<Strategy> {
        @Override
        public Strategy convert(String value) {
            try {
                return Strategy.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The workload in arrival order and what the input suggests about the cluster. */
    private record Input(
            Workload workload,
            Workload listed,
            String caption,
            OptionalInt nodes,
            OptionalInt podsPerNode,
            List<SimNode> nodeObjects,
            List<String> notes,
            Map<String, SyscallSet> profiles) {

        Input withRequests(PodRequests requests) {
            return new Input(
                    withRequests(workload, requests),
                    withRequests(listed, requests),
                    caption + ", requests " + requests.cpuMilli() + "m CPU, " + requests.memoryBytes() / (1024 * 1024)
                            + "Mi each",
                    nodes,
                    podsPerNode,
                    nodeObjects,
                    notes,
                    profiles);
        }

        private static Workload withRequests(Workload workload, PodRequests requests) {
            return new Workload(workload.pods().stream()
                    .map(p -> new SimPod(p.name(), p.profile(), p.syscalls(), p.controller(), p.guarded(), requests))
                    .toList());
        }
    }

    private static PodRequests requests(String value) {
        String[] parts = value.split(",");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "--pod-requests needs CPU,MEMORY (e.g. 250m,512Mi), got '" + value + "'");
        }
        long cpu = quantity(parts[0].trim(), "--pod-requests CPU", true);
        long memory = quantity(parts[1].trim(), "--pod-requests MEMORY", false);
        return new PodRequests(cpu, memory, cpu, memory);
    }

    @Override
    public Integer call() {
        if ((workloadFile != null) == !pods.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give either --workload FILE or --pods PATH");
        }
        if (workloadFile != null && profiles.size() > 1) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "a --workload file reads one --profiles directory");
        }
        positive(runs, "--runs");
        positive(maxSkew, "--max-skew");
        if (extenderLag < 0) {
            throw new IllegalArgumentException("--extender-lag cannot be negative, got " + extenderLag);
        }
        if (openingCost != null && openingCost < 0) {
            throw new IllegalArgumentException("--opening-cost cannot be negative, got " + openingCost);
        }
        if (annealSteps != null && annealSteps < 0) {
            throw new IllegalArgumentException("--anneal-steps cannot be negative, got " + annealSteps);
        }
        if (rebalanceMinGain != null && rebalanceMinGain < 1) {
            throw new IllegalArgumentException("--rebalance-min-gain must be at least 1, got " + rebalanceMinGain);
        }
        Input input = workloadFile != null ? fromWorkloadFile() : fromObjects();
        if (podRequests != null) {
            if (workloadFile == null) {
                throw new IllegalArgumentException(
                        "--pod-requests applies to a --workload file; manifests say their own");
            }
            input = input.withRequests(requests(podRequests));
        }
        Workload workload = order == null
                ? input.workload()
                : WorkloadLoader.arrange(input.listed(), order.replace(':', ' '), "--order");
        if (workload.size() == 0) {
            throw new IllegalArgumentException("the input holds no pods to place");
        }
        List<String> notes = new ArrayList<>(input.notes());
        ClusterSpec cluster = cluster(input, notes);
        SyscallSet vulnerableSet = vulnerable == null ? SyscallSet.empty() : WorkloadLoader.readSyscallList(vulnerable);
        if (vulnerable == null) {
            notes.add("no --vulnerable list: victim nodes and pods are not measured (0)");
        }
        SyscallWeights syscallWeights =
                weights == null ? SyscallWeights.uniform() : WorkloadLoader.readWeights(weights);
        if (weights == null && strategies.stream().anyMatch(Strategy::weighted)) {
            throw new IllegalArgumentException("a +weighted strategy needs --weights FILE");
        }
        PlacementSimulator.Settings settings = new PlacementSimulator.Settings(
                syscallWeights,
                new ReplicaSpreadGuard(maxSkew),
                openingCost == null ? MarginalExs.DEFAULT_OPENING_COST : openingCost,
                extenderLag,
                annealSteps == null ? ClairvoyantSearch.DEFAULT_STEPS : annealSteps,
                rebalanceMinGain == null ? RebalancePlanner.DEFAULT_MIN_GAIN : rebalanceMinGain,
                planLookahead == null ? PlacementSimulator.Settings.PLAN_KNOWS_ALL : planLookahead,
                planSteps == null ? PlacementPlanner.DEFAULT_STEPS : planSteps);
        PlacementSimulator simulator = new PlacementSimulator(cluster, settings);

        if (smallInstances != null) {
            positive(smallInstances, "--small-instances");
            OptimalityGap.Report report =
                    OptimalityGap.study(input.profiles(), strategies, settings, smallInstances, runs);
            out.print(report.table());
            return 0;
        }

        List<StrategyRuns> results = simulator.runAll(workload, strategies, vulnerableSet, runs);
        String caption = workload.size() + " pods" + input.caption() + " on " + cluster.nodeCount() + " nodes, "
                + cluster.podsPerNode() + " pods/node"
                + (cluster.zones().isEmpty() ? "" : ", " + cluster.zones().size() + " zones") + ", |V| = "
                + vulnerableSet.cardinality()
                + (runs > 1 ? ", means over " + runs + " tie-breaking seeds" : "");
        out.println(caption);
        notes.forEach(note -> out.println("note: " + note));
        out.println();
        out.print(SimulationReport.table(results));
        if (placement) {
            for (StrategyRuns strategyRuns : results) {
                SimulationResult result = strategyRuns.first();
                out.println();
                out.println(result.strategy().label() + ":");
                for (Map.Entry<String, List<SimPod>> node : result.podsByNode().entrySet()) {
                    if (!node.getValue().isEmpty()) {
                        out.println("  " + node.getKey() + ": "
                                + String.join(
                                        " ",
                                        node.getValue().stream()
                                                .map(SimPod::name)
                                                .toList()));
                    }
                }
                if (!result.unscheduled().isEmpty()) {
                    out.println("  unscheduled: " + String.join(" ", result.unscheduled()));
                }
            }
        }
        if (csv != null) {
            write(csv, SimulationReport.csv(results));
        }
        if (svg != null) {
            write(svg, SimulationReport.svg(results, caption));
        }
        return 0;
    }

    private ClusterSpec cluster(Input input, List<String> notes) {
        List<SimNode> nodeList = input.nodeObjects();
        boolean fromObjects = true;
        if (nodes != null) {
            if (nodes.chars().allMatch(Character::isDigit)) {
                nodeList = counted(Integer.parseInt(nodes));
                fromObjects = false;
            } else {
                SchedulableNodes read = SchedulableNodes.of(
                        KubernetesInput.read(List.of(Path.of(nodes))).nodes());
                read.excluded().forEach(line -> notes.add("node " + line));
                nodeList = read.nodes();
            }
        } else if (input.nodes().isPresent()) {
            nodeList = counted(input.nodes().getAsInt());
            fromObjects = false;
        }
        if (nodeList.isEmpty()) {
            throw new IllegalArgumentException("no nodes: give --nodes N or --nodes FILE (kubectl get nodes -o json)");
        }
        if (fromObjects && (nodeCpu != null || nodeMemory != null || zones != null)) {
            notes.add(
                    "--node-cpu, --node-memory and --zones apply to nodes given as a count; the Node objects say theirs");
        }
        OptionalInt limit =
                podsPerNode != null ? OptionalInt.of(positive(podsPerNode, "--pods-per-node")) : input.podsPerNode();
        if (limit.isPresent()) {
            int podLimit = limit.getAsInt();
            nodeList = nodeList.stream()
                    .map(n -> new SimNode(n.name(), podLimit, n.allocatable(), n.zone(), n.preferNoScheduleTaints()))
                    .toList();
        }
        return new ClusterSpec(nodeList);
    }

    private List<SimNode> counted(int count) {
        positive(count, "--nodes");
        SimNode.NodeAllocatable allocatable = new SimNode.NodeAllocatable(
                nodeCpu == null ? SimNode.NodeAllocatable.DEFAULT.cpuMilli() : quantity(nodeCpu, "--node-cpu", true),
                nodeMemory == null
                        ? SimNode.NodeAllocatable.DEFAULT.memoryBytes()
                        : quantity(nodeMemory, "--node-memory", false));
        if (zones != null) {
            positive(zones, "--zones");
        }
        List<String> names = ClusterSpec.of(count, ClusterSpec.UNLIMITED).nodeNames();
        List<SimNode> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Optional<String> zone = zones == null ? Optional.empty() : Optional.of("zone-" + (i % zones + 1));
            list.add(new SimNode(names.get(i), SchedulableNodes.KUBELET_DEFAULT_MAX_PODS, allocatable, zone, 0));
        }
        return list;
    }

    private static long quantity(String value, String option, boolean cpu) {
        try {
            Quantity quantity = new Quantity(value);
            java.math.BigDecimal amount = quantity.getNumericalAmount();
            long result = (cpu ? amount.multiply(java.math.BigDecimal.valueOf(1000)) : amount)
                    .setScale(0, java.math.RoundingMode.CEILING)
                    .longValueExact();
            if (result > 0) {
                return result;
            }
        } catch (RuntimeException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a positive Kubernetes quantity (e.g. "
                + (cpu ? "4 or 3500m" : "16Gi") + "), got '" + value + "'");
    }

    private static int positive(int value, String option) {
        if (value < 1) {
            throw new IllegalArgumentException(option + " needs a positive whole number, got " + value);
        }
        return value;
    }

    private Input fromWorkloadFile() {
        WorkloadFile file =
                WorkloadLoader.load(workloadFile, profiles.isEmpty() ? Optional.empty() : Optional.of(profiles.get(0)));
        return new Input(
                file.workload(),
                file.listed(),
                " (" + file.profiles().size() + " images)",
                file.nodes(),
                file.podsPerNode(),
                List.of(),
                List.of(),
                file.profiles());
    }

    private Input fromObjects() {
        List<Path> paths = new ArrayList<>(pods);
        paths.addAll(profiles);
        KubernetesInput objects = KubernetesInput.read(paths);
        ManifestWorkload.Options defaults = ManifestWorkload.Options.defaults();
        ManifestWorkload.Result result = ManifestWorkload.build(
                objects,
                new ManifestWorkload.Options(
                        Optional.ofNullable(scope).map(SpoScope::parse),
                        defaultProfile == null ? defaults.defaultProfile() : ProfileKey.parse(defaultProfile),
                        ManifestWorkload.Options.SPO_OPT_IN_LABEL));
        SchedulableNodes schedulable = SchedulableNodes.of(objects.nodes());
        List<String> notes = new ArrayList<>(result.notes());
        if (nodes == null) {
            schedulable.excluded().forEach(line -> notes.add("node " + line));
        }
        if (!objects.ignoredKinds().isEmpty()) {
            notes.add("ignored objects: " + objects.ignoredKinds());
        }
        Map<String, SyscallSet> sets = new java.util.LinkedHashMap<>();
        result.workload().pods().forEach(p -> sets.putIfAbsent(p.profile(), p.syscalls()));
        return new Input(
                result.workload(),
                result.workload(),
                "",
                OptionalInt.empty(),
                OptionalInt.empty(),
                schedulable.nodes(),
                notes,
                sets);
    }

    private void write(Path path, String content) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(path, content);
            out.println("wrote " + path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
        }
    }
}
