package io.github.sysched.demo;

import java.util.List;
import java.util.Locale;

/**
 * The HTTP load generators against the real services (B2, B3 of BENCHMARKS.md). They live in the demo's package
 * because they drive the demo's package-private harness: the embedded API server and both Spring apps in this JVM.
 *
 * <pre>
 * java -Xmx4g -jar benchmarks/load/target/sysched-load.jar b2    extender round trip, 5,000 nodes x 30 pods
 * java -jar benchmarks/load/target/sysched-load.jar b3           webhook /mutate over TLS, concurrency and fixed rate
 * java -Xmx4g -jar benchmarks/load/target/sysched-load.jar b6    heap of the extender's pod state, 150,000 pods
 * java -Xmx2g -jar benchmarks/load/target/sysched-load.jar b7    extender cost per pod, kube-scheduler-shaped
 * </pre>
 * Settings: {@code -Db2.warmup=1000 -Db2.requests=3000} (per verb); {@code -Db3.seconds=10} (per concurrency level),
 * {@code -Db3.rate=1000 -Db3.rateSeconds=15 -Db3.rateConnections=32}; {@code -Db7.jar=... -Db7.compareJar=...
 * -Db7.pods=2000 -Db7.warmup=1000 -Db7.rounds=4 -Db7.bind=true}. Exit status 1 if any answer was wrong.
 */
public final class LoadBenchmarks {

    /**
     * Held so that its level sticks: java.util.logging keeps loggers weakly, and the mock API server would log
     * every request it serves once this one is collected.
     */
    private static final java.util.logging.Logger MOCK_SERVER_LOG =
            java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private LoadBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        if (args.length == 0) {
            System.err.println("usage: java -jar sysched-load.jar b2|b3|b6|b7 ...");
            System.exit(2);
        }
        boolean right = true;
        try {
            right = runAll(args);
        } catch (Exception | Error e) {
            // The embedded API server's threads would keep the JVM alive: report and exit.
            System.err.println("load benchmark failed: " + e);
            e.printStackTrace(System.err);
            System.exit(1);
        }
        System.exit(right ? 0 : 1);
    }

    private static boolean runAll(String[] args) throws Exception {
        boolean right = true;
        for (String benchmark : List.of(args)) {
            switch (benchmark.toLowerCase(Locale.ROOT)) {
                case "b2" -> right &= new ExtenderRoundTrip(System.out, Integer.getInteger("b2.warmup", 1_000),
                        Integer.getInteger("b2.requests", 3_000)).run();
                case "b3" -> right &= new AdmissionLoad(System.out, doubleProperty("b3.seconds", 10),
                        doubleProperty("b3.rate", 1_000), doubleProperty("b3.rateSeconds", 15),
                        Integer.getInteger("b3.rateConnections", 32)).run();
                case "b6" -> right &= new PodCacheHeap(System.out).run();
                case "b7" -> right &= new io.github.sysched.benchmarks.load.ExtenderPodCost(System.out,
                        new io.github.sysched.benchmarks.load.ExtenderPodCost.Settings(
                                java.nio.file.Path.of(System.getProperty("b7.jar") != null
                                        ? System.getProperty("b7.jar") : schedulerJar()),
                                System.getProperty("b7.compareJar") == null ? null
                                        : java.nio.file.Path.of(System.getProperty("b7.compareJar")),
                                Integer.getInteger("b7.pods", 2_000), Integer.getInteger("b7.warmup", 1_000),
                                Integer.getInteger("b7.rounds", 4), Boolean.getBoolean("b7.bind"))).run();
                default -> {
                    System.err.println("unknown benchmark " + benchmark + " (b2, b3, b6, b7)");
                    System.exit(2);
                }
            }
        }
        return right;
    }

    /** This build's scheduler exec jar, run from the repository root. */
    private static String schedulerJar() {
        try (var jars = java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("scheduler/target"),
                "sysched-scheduler-*-exec.jar")) {
            for (java.nio.file.Path jar : jars) {
                return jar.toString();
            }
        } catch (java.io.IOException e) {
            // reported below
        }
        throw new IllegalStateException("no scheduler/target/sysched-scheduler-*-exec.jar: build it, or run from "
                + "the repository root, or set -Db7.jar");
    }

    private static double doubleProperty(String name, double fallback) {
        String value = System.getProperty(name);
        return value == null ? fallback : Double.parseDouble(value);
    }
}
