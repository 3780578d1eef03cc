package io.github.sysched.scheduler.simulate;

import io.github.sysched.profile.ProfileKey;
import io.github.sysched.simulation.ClusterSpec;
import io.github.sysched.simulation.KubernetesInput;
import io.github.sysched.simulation.ManifestWorkload;
import io.github.sysched.simulation.PlacementMetrics;
import io.github.sysched.simulation.PlacementSimulator;
import io.github.sysched.simulation.SchedulableNodes;
import io.github.sysched.simulation.SimPod;
import io.github.sysched.simulation.SimulationReport;
import io.github.sysched.simulation.SimulationResult;
import io.github.sysched.simulation.Strategy;
import io.github.sysched.simulation.Workload;
import io.github.sysched.simulation.WorkloadFile;
import io.github.sysched.simulation.WorkloadLoader;
import io.github.sysched.spo.SpoScope;
import io.github.sysched.syscall.SyscallSet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code java -jar sysched-scheduler-exec.jar simulate …}: places a workload with ExS, spreading and random
 * placement and prints what each leaves exposed (common's {@code io.github.sysched.simulation}). No Spring, no
 * cluster: everything comes from files.
 */
public final class SimulateCommand {

    static final String USAGE = """
            usage: simulate (--workload FILE | --pods PATH...) [options]
              --workload FILE        a workload file: "image replicas" lines and settings (see examples/simulation)
              --pods PATH            Kubernetes objects (YAML or JSON files or directories, e.g. kubectl get pods -A
                                     -o json, or manifests): Pods, Deployments, StatefulSets, SeccompProfiles,
                                     ProfileBindings, Namespaces, Nodes. Repeatable.
              --profiles PATH        more objects to read, typically SPO SeccompProfiles (with --pods); or the
                                     profile directory of a --workload file. Repeatable with --pods.
              --nodes N|FILE         N empty nodes, or the Nodes of FILE (kubectl get nodes -o json); default: the
                                     workload file's setting, else the Node objects among --pods
              --pods-per-node N      per-node pod limit; default: the workload file's setting, else the smallest
                                     allocatable pods of the nodes, else 110
              --vulnerable FILE      syscall names V for the victim metrics (default: none, victims are 0)
              --strategies LIST      comma-separated: exs, spread, random, random:SEED (default exs,spread,random:1)
              --order ORDER          arrival order: listed, interleaved, shuffled:SEED (default: the workload file's,
                                     else listed)
              --spo-scope SCOPE      namespaced or cluster (default: from the profiles' metadata)
              --default-profile P    profile of pods without one, NAMESPACE/NAME or NAME (default default/full-seccomp)
              --placement            also print which pods each strategy put on each node
              --csv FILE             write the table as CSV
              --svg FILE             write a bar chart of the table as SVG
            """;

    private static final int KUBELET_DEFAULT_MAX_PODS = 110;

    private SimulateCommand() {
    }

    /** Runs the command; 0 on success, 2 on bad arguments or input (explained on {@code err}). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            execute(Arguments.parse(args), out);
            return 0;
        } catch (HelpRequested e) {
            out.print(USAGE);
            return 0;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err.println("simulate: " + e.getMessage());
            if (e instanceof UsageException) {
                err.print(USAGE);
            }
            return 2;
        }
    }

    static final class HelpRequested extends RuntimeException {
        HelpRequested() {
            super("help", null, false, false);
        }
    }

    static final class UsageException extends IllegalArgumentException {
        UsageException(String message) {
            super(message);
        }
    }

    record Arguments(Optional<Path> workloadFile, List<Path> pods, List<Path> profiles, Optional<String> nodes,
            OptionalInt podsPerNode, Optional<Path> vulnerable, List<Strategy> strategies, Optional<String> order,
            Optional<SpoScope> scope, ProfileKey defaultProfile, boolean placement, Optional<Path> csv,
            Optional<Path> svg) {

        static Arguments parse(String[] args) {
            Optional<Path> workloadFile = Optional.empty();
            List<Path> pods = new ArrayList<>();
            List<Path> profiles = new ArrayList<>();
            Optional<String> nodes = Optional.empty();
            OptionalInt podsPerNode = OptionalInt.empty();
            Optional<Path> vulnerable = Optional.empty();
            List<Strategy> strategies = List.of(Strategy.exs(), Strategy.spread(), Strategy.random(1));
            Optional<String> order = Optional.empty();
            Optional<SpoScope> scope = Optional.empty();
            ProfileKey defaultProfile = ManifestWorkload.Options.defaults().defaultProfile();
            boolean placement = false;
            Optional<Path> csv = Optional.empty();
            Optional<Path> svg = Optional.empty();
            for (int i = 0; i < args.length; i++) {
                String option = args[i];
                switch (option) {
                    case "--workload" -> workloadFile = Optional.of(Path.of(value(args, ++i, option)));
                    case "--pods" -> pods.add(Path.of(value(args, ++i, option)));
                    case "--profiles" -> profiles.add(Path.of(value(args, ++i, option)));
                    case "--nodes" -> nodes = Optional.of(value(args, ++i, option));
                    case "--pods-per-node" -> podsPerNode = OptionalInt.of(positive(value(args, ++i, option), option));
                    case "--vulnerable" -> vulnerable = Optional.of(Path.of(value(args, ++i, option)));
                    case "--strategies" -> {
                        List<Strategy> parsed = new ArrayList<>();
                        for (String name : value(args, ++i, option).split(",")) {
                            parsed.add(Strategy.parse(name));
                        }
                        strategies = List.copyOf(parsed);
                    }
                    case "--order" -> order = Optional.of(value(args, ++i, option).replace(':', ' '));
                    case "--spo-scope" -> scope = Optional.of(SpoScope.parse(value(args, ++i, option)));
                    case "--default-profile" -> defaultProfile = ProfileKey.parse(value(args, ++i, option));
                    case "--placement" -> placement = true;
                    case "--csv" -> csv = Optional.of(Path.of(value(args, ++i, option)));
                    case "--svg" -> svg = Optional.of(Path.of(value(args, ++i, option)));
                    case "-h", "--help" -> throw new HelpRequested();
                    default -> throw new UsageException("unknown option '" + option + "'");
                }
            }
            if (workloadFile.isPresent() == !pods.isEmpty()) {
                throw new UsageException("give either --workload FILE or --pods PATH");
            }
            if (workloadFile.isPresent() && profiles.size() > 1) {
                throw new UsageException("a --workload file reads one --profiles directory");
            }
            return new Arguments(workloadFile, pods, profiles, nodes, podsPerNode, vulnerable, strategies, order,
                    scope, defaultProfile, placement, csv, svg);
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new UsageException(option + " needs a value");
            }
            return args[index];
        }

        private static int positive(String value, String option) {
            try {
                int n = Integer.parseInt(value);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new UsageException(option + " needs a positive whole number, got '" + value + "'");
        }
    }

    /** The workload in arrival order and what the input suggests about the cluster. */
    private record Input(Workload workload, String caption, OptionalInt nodes, OptionalInt podsPerNode,
            List<String> nodeObjects, OptionalInt allocatablePods, List<String> notes) {
    }

    private static void execute(Arguments arguments, PrintStream out) {
        Input input = arguments.workloadFile().isPresent() ? fromWorkloadFile(arguments) : fromObjects(arguments);
        Workload workload = arguments.order()
                .map(order -> WorkloadLoader.arrange(input.workload(), order, "--order"))
                .orElse(input.workload());
        if (workload.size() == 0) {
            throw new IllegalArgumentException("the input holds no pods to place");
        }

        List<String> nodeNames = input.nodeObjects();
        OptionalInt allocatable = input.allocatablePods();
        List<String> notes = new ArrayList<>(input.notes());
        if (arguments.nodes().isPresent()) {
            String value = arguments.nodes().get();
            if (value.chars().allMatch(Character::isDigit)) {
                nodeNames = ClusterSpec.of(Integer.parseInt(value), ClusterSpec.UNLIMITED).nodeNames();
            } else {
                SchedulableNodes nodes = SchedulableNodes.of(KubernetesInput.read(List.of(Path.of(value))).nodes());
                nodes.excluded().forEach(line -> notes.add("node " + line));
                nodeNames = nodes.names();
                allocatable = nodes.allocatablePods();
            }
        } else if (input.nodes().isPresent()) {
            nodeNames = ClusterSpec.of(input.nodes().getAsInt(), ClusterSpec.UNLIMITED).nodeNames();
        }
        if (nodeNames.isEmpty()) {
            throw new UsageException("no nodes: give --nodes N or --nodes FILE (kubectl get nodes -o json)");
        }
        int podsPerNode = arguments.podsPerNode().isPresent() ? arguments.podsPerNode().getAsInt()
                : input.podsPerNode().orElse(allocatable.orElse(KUBELET_DEFAULT_MAX_PODS));
        ClusterSpec cluster = new ClusterSpec(nodeNames, podsPerNode);
        SyscallSet vulnerable = arguments.vulnerable().map(WorkloadLoader::readSyscallList).orElse(SyscallSet.empty());
        if (arguments.vulnerable().isEmpty()) {
            notes.add("no --vulnerable list: victim nodes and pods are not measured (0)");
        }

        List<SimulationResult> results = new PlacementSimulator(cluster).runAll(workload, arguments.strategies(),
                vulnerable);
        List<PlacementMetrics> metrics = SimulationReport.metricsOf(results);
        String caption = input.caption() + " on " + cluster.nodeCount() + " nodes, " + podsPerNode
                + " pods/node, |V| = " + vulnerable.cardinality();
        out.println(caption);
        notes.forEach(note -> out.println("note: " + note));
        out.println();
        out.print(SimulationReport.table(metrics));
        if (arguments.placement()) {
            for (SimulationResult result : results) {
                out.println();
                out.println(result.strategy().label() + ":");
                for (Map.Entry<String, List<SimPod>> node : result.podsByNode().entrySet()) {
                    if (!node.getValue().isEmpty()) {
                        out.println("  " + node.getKey() + ": "
                                + String.join(" ", node.getValue().stream().map(SimPod::name).toList()));
                    }
                }
                if (!result.unscheduled().isEmpty()) {
                    out.println("  unscheduled: " + String.join(" ", result.unscheduled()));
                }
            }
        }
        arguments.csv().ifPresent(path -> write(path, SimulationReport.csv(metrics), out));
        arguments.svg().ifPresent(path -> write(path, SimulationReport.svg(metrics, caption), out));
    }

    private static Input fromWorkloadFile(Arguments arguments) {
        WorkloadFile file = WorkloadLoader.load(arguments.workloadFile().get(),
                arguments.profiles().isEmpty() ? Optional.empty() : Optional.of(arguments.profiles().get(0)));
        return new Input(file.workload(), file.workload().size() + " pods (" + file.profiles().size() + " images)",
                file.nodes(), file.podsPerNode(), List.of(), OptionalInt.empty(), List.of());
    }

    private static Input fromObjects(Arguments arguments) {
        List<Path> paths = new ArrayList<>(arguments.pods());
        paths.addAll(arguments.profiles());
        KubernetesInput objects = KubernetesInput.read(paths);
        ManifestWorkload.Result result = ManifestWorkload.build(objects, new ManifestWorkload.Options(
                arguments.scope(), arguments.defaultProfile(), ManifestWorkload.Options.SPO_OPT_IN_LABEL));
        SchedulableNodes nodes = SchedulableNodes.of(objects.nodes());
        List<String> notes = new ArrayList<>(result.notes());
        if (arguments.nodes().isEmpty()) {
            nodes.excluded().forEach(line -> notes.add("node " + line));
        }
        if (!objects.ignoredKinds().isEmpty()) {
            notes.add("ignored objects: " + objects.ignoredKinds());
        }
        return new Input(result.workload(), result.workload().size() + " pods", OptionalInt.empty(),
                OptionalInt.empty(), nodes.names(), nodes.allocatablePods(), notes);
    }

    private static void write(Path path, String content, PrintStream out) {
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
