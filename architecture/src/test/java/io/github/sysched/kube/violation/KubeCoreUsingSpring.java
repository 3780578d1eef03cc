package io.github.sysched.kube.violation;

/** A deliberate violation: kube code outside kube.boot that uses Spring. */
public final class KubeCoreUsingSpring {

    public static boolean lifecycle(Object bean) {
        return bean instanceof org.springframework.context.SmartLifecycle;
    }
}
