package io.github.sysched.it;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@link MockApiServer} as a process, for tools/image-smoke-test.sh:
 * {@code java -jar it/target/sysched-it-<version>-mock-api.jar --kubeconfig FILE [--port N]}. Writes the
 * kubeconfig, creates the chart's webhook configurations ({@code sysched-mutating}, {@code sysched-validating},
 * Service {@code sysched-webhook}), prints one line {@code ready <url>} and serves until terminated.
 */
public final class MockApiServerMain {

    private MockApiServerMain() {}

    public static void main(String[] args) throws InterruptedException {
        Path kubeconfig = null;
        int port = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--kubeconfig" -> kubeconfig = Path.of(value(args, ++i, "--kubeconfig"));
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (kubeconfig == null) {
            usage("--kubeconfig FILE is required");
        }
        MockApiServer api = MockApiServer.start(port);
        api.createWebhookConfigurations("sysched-mutating", "sysched-validating", "sysched-webhook");
        api.writeKubeconfig(kubeconfig);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.close();
            stopped.countDown();
        }));
        System.out.println("ready " + api.url());
        System.out.flush();
        stopped.await();
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            usage(flag + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println(problem);
        System.err.println("usage: java -jar sysched-it-mock-api.jar --kubeconfig FILE [--port N]");
        System.exit(2);
    }
}
