package io.github.sysched.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line flags of the demo.
 *
 * @param manifests directory with profiles/, bindings/, workloads/ and optional namespace manifests
 *                  (default: the built-in copy of examples/sysched-demo)
 * @param nodes     names of the (empty) worker nodes to create
 * @param quiet     print only the tables
 * @param seed      tie-breaking seed of the spreading baseline
 */
record DemoOptions(Path manifests, List<String> nodes, boolean quiet, long seed) {

    static final String USAGE = """
            usage: java -jar demo/target/sysched-demo.jar [--manifests DIR] [--nodes a,b,...] [--seed N] [--quiet]
              --manifests DIR  a folder laid out like examples/sysched-demo: *.yaml at the top (namespaces),
                               profiles/ (SeccompProfile), bindings/ (ProfileBinding), workloads/ (Deployments,
                               placed in file-name order). Default: the built-in SySched demo.
              --nodes LIST     worker nodes to create (default: node-a,node-b)
              --seed N         tie-breaking seed of the spreading baseline's table (default 1)
              --quiet          only print the result tables
            """;

    static DemoOptions parse(String... args) {
        Path manifests = null;
        List<String> nodes = List.of("node-a", "node-b");
        boolean quiet = false;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--manifests" -> manifests = Path.of(value(args, ++i, "--manifests"));
                case "--nodes" -> {
                    nodes = new ArrayList<>();
                    for (String node : value(args, ++i, "--nodes").split(",")) {
                        if (!node.isBlank()) {
                            nodes.add(node.trim());
                        }
                    }
                    if (nodes.isEmpty()) {
                        throw new IllegalArgumentException("--nodes needs at least one node name");
                    }
                }
                case "--quiet" -> quiet = true;
                case "--seed" -> {
                    String value = value(args, ++i, "--seed");
                    try {
                        seed = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--seed needs a whole number, got '" + value + "'");
                    }
                }
                case "-h", "--help" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        return new DemoOptions(manifests, List.copyOf(nodes), quiet, seed);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
