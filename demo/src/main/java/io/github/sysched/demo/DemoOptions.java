package io.github.sysched.demo;

import io.github.sysched.simulation.cli.ImplementationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The demo's command line: {@code --opt value} or {@code --opt=value}, {@code --help}, {@code --version}. */
@Command(
        name = "sysched-demo",
        mixinStandardHelpOptions = true,
        versionProvider = ImplementationVersion.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "The SySched demo through the real webhook (HTTPS) and scheduler extender (HTTP) on an "
                + "embedded Kubernetes API, next to a spreading baseline. Exits 0, 1 if the built-in demo's "
                + "placement is not reproduced or the demo fails, 2 on a usage error.")
final class DemoOptions {

    @Spec
    private CommandSpec spec;

    private Path manifests;
    private List<String> nodes = List.of("node-a", "node-b");

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            order = 3,
            description = "Tie-breaking seed of the spreading baseline's table (default ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--quiet", order = 4, description = "Only print the result tables.")
    private boolean quiet;

    /** The options of {@code args}; a {@link ParameterException} names the option at fault. */
    static DemoOptions parse(String... args) {
        DemoOptions options = new DemoOptions();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    @Option(
            names = "--manifests",
            paramLabel = "DIR",
            order = 1,
            description = "A folder laid out like examples/sysched-demo: *.yaml at the top (namespaces), profiles/ "
                    + "(SeccompProfile), bindings/ (ProfileBinding), workloads/ (Deployments, placed in file-name "
                    + "order). Default: the built-in SySched demo.")
    void manifests(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ParameterException(spec.commandLine(), "--manifests: " + directory + " is not a directory");
        }
        this.manifests = directory;
    }

    @Option(
            names = "--nodes",
            paramLabel = "LIST",
            order = 2,
            description = "Worker nodes to create, comma-separated (default: node-a,node-b).")
    void nodes(String list) {
        List<String> names = Arrays.stream(list.split(","))
                .map(String::trim)
                .filter(n -> !n.isEmpty())
                .toList();
        if (names.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "--nodes needs at least one node name, got '" + list + "'");
        }
        this.nodes = names;
    }

    /** Null: the built-in demo. */
    Path manifests() {
        return manifests;
    }

    List<String> nodes() {
        return nodes;
    }

    boolean quiet() {
        return quiet;
    }

    long seed() {
        return seed;
    }
}
