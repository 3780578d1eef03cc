package io.github.sysched.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameContaining;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import io.fabric8.kubernetes.client.CustomResource;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLConnection;
import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The module boundaries of issue 12, one rule each. {@link BoundariesTest} checks every rule against the modules
 * and against a deliberate violation (so that no rule passes because it cannot fail).
 */
final class Boundaries {

    private Boundaries() {}

    static final DescribedPredicate<JavaClass> SPRING =
            resideInAnyPackage("org.springframework..").as("Spring");

    /**
     * By name: the import does not resolve the JDK's class hierarchy (archunit.properties), so subtypes are listed
     * by their names rather than found as {@code assignableTo(Executor.class)}.
     */
    static final DescribedPredicate<JavaClass> THREADS = belongToAnyOf(
                    Thread.class,
                    ThreadGroup.class,
                    ThreadFactory.class,
                    Executors.class,
                    ForkJoinPool.class,
                    CompletableFuture.class,
                    Timer.class,
                    TimerTask.class)
            .or(resideInAPackage("java.util.concurrent").and(simpleNameContaining("Executor")))
            .as("threads or executors");

    /** fabric8 beyond its model classes, their annotations and the CustomResource base class. */
    static final DescribedPredicate<JavaClass> KUBERNETES_CLIENT = resideInAPackage("io.fabric8..")
            .and(not(resideInAnyPackage("io.fabric8.kubernetes.api.model..", "io.fabric8.kubernetes.model..")))
            .and(not(equivalentTo(CustomResource.class)))
            .as("the fabric8 client (anything of io.fabric8 but model classes, their annotations and CustomResource)");

    static final DescribedPredicate<JavaClass> HTTP = resideInAnyPackage(
                    "java.net.http..",
                    "io.vertx..",
                    "io.netty..",
                    "okhttp3..",
                    "jakarta.servlet..",
                    "org.apache.hc..",
                    "org.apache.tomcat..")
            .or(resideInAnyPackage("javax.net.."))
            .or(belongToAnyOf(URLConnection.class, HttpURLConnection.class, Socket.class, ServerSocket.class))
            .as("HTTP or sockets");

    /** Informers and watches: fabric8's informers package, its watch types and the DSL that starts them. */
    static final DescribedPredicate<JavaClass> INFORMERS = resideInAPackage("io.fabric8.kubernetes.client.informers..")
            .or(belongToAnyOf(
                    io.fabric8.kubernetes.client.Watch.class,
                    io.fabric8.kubernetes.client.Watcher.class,
                    io.fabric8.kubernetes.client.dsl.Informable.class,
                    io.fabric8.kubernetes.client.dsl.Watchable.class))
            .as("informers or watches");

    static final ArchRule COMMON_WITHOUT_SPRING =
            noClasses().should().dependOnClassesThat(SPRING).as("common uses no Spring");

    static final ArchRule COMMON_WITHOUT_THREADS = noClasses()
            .should()
            .dependOnClassesThat(THREADS)
            .orShould()
            .callMethod(TimeUnit.class, "sleep", long.class)
            .as("common starts no threads, runs no executors and does not sleep");

    static final ArchRule COMMON_WITHOUT_CLIENT = noClasses()
            .should()
            .dependOnClassesThat(KUBERNETES_CLIENT)
            .as("common uses fabric8's model classes only (and CustomResource), not its client");

    static final ArchRule COMMON_WITHOUT_HTTP =
            noClasses().should().dependOnClassesThat(HTTP).as("common does no HTTP");

    /** Checked on every module but kube: the services, the core and the simulator. */
    static final ArchRule ONLY_KUBE_WATCHES = noClasses()
            .should()
            .dependOnClassesThat(INFORMERS)
            .as("only kube uses informers and watches (the services have no informer code of their own)");

    static final ArchRule KUBE_CORE_WITHOUT_SPRING = noClasses()
            .that()
            .resideOutsideOfPackage("io.github.sysched.kube.boot..")
            .should()
            .dependOnClassesThat(SPRING.or(resideInAPackage("io.micrometer..")))
            .as("kube is plain Java outside io.github.sysched.kube.boot (its Spring glue)");

    static final ArchRule WEBHOOK_WITHOUT_SCHEDULER = noClasses()
            .that()
            .resideInAPackage("io.github.sysched.webhook..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("io.github.sysched.scheduler..", "io.github.sysched.simulation..")
            .as("the webhook depends neither on the scheduler nor on the simulator");

    static final ArchRule SCHEDULER_WITHOUT_WEBHOOK = noClasses()
            .that()
            .resideInAPackage("io.github.sysched.scheduler..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("io.github.sysched.webhook..")
            .as("the scheduler does not depend on the webhook");
}
