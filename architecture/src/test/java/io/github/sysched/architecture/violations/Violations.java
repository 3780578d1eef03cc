package io.github.sysched.architecture.violations;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** Deliberate violations of the module boundaries, one per rule: the rules must reject each. */
public final class Violations {

    private Violations() {}

    public static final class UsesSpring {
        public static void check(Object value) {
            org.springframework.util.Assert.notNull(value, "value");
        }
    }

    public static final class StartsAThread {
        public static void run(Runnable task) {
            new Thread(task).start();
        }
    }

    public static final class UsesAnExecutor {
        public static void run(Runnable task) {
            Executors.newSingleThreadExecutor().submit(task);
        }
    }

    public static final class Sleeps {
        public static void pause() throws InterruptedException {
            TimeUnit.SECONDS.sleep(1);
        }
    }

    public static final class BuildsAClient {
        public static Object client() {
            return new KubernetesClientBuilder().build();
        }
    }

    public static final class CallsHttp {
        public static String get(String url) throws Exception {
            return HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    public static final class HoldsAnInformer {
        public static boolean synced(SharedIndexInformer<Pod> informer) {
            return informer.hasSynced();
        }
    }
}
