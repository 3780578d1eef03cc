package io.github.sysched.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;

/**
 * The rendered second kube-scheduler, followed as a kubelet would: its Deployment, the KubeSchedulerConfiguration that
 * {@code --config=<file>} names (through the volume mounted at the file's directory) and the one extender in it.
 */
final class SecondScheduler {

    private SecondScheduler() {}

    static Deployment deployment(Rendered r) {
        return r.all(Deployment.class).stream()
                .filter(d -> container(d).getImage().startsWith("registry.k8s.io/kube-scheduler:"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no kube-scheduler Deployment"));
    }

    /** The KubeSchedulerConfiguration, parsed from the ConfigMap mounted where {@code --config} points. */
    static Map<String, Object> configuration(Rendered r) {
        Deployment d = deployment(r);
        String file = container(d).getCommand().stream()
                .filter(a -> a.startsWith("--config="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("kube-scheduler has no --config"))
                .substring("--config=".length());
        String volume = mountAt(d, file.substring(0, file.lastIndexOf('/'))).getName();
        return r.configMapYaml(volume(d, volume).getConfigMap().getName(), file.substring(file.lastIndexOf('/') + 1));
    }

    /** Its only extender entry. */
    static Map<String, Object> extender(Rendered r) {
        List<Map<String, Object>> extenders = Rendered.at(configuration(r), "extenders");
        assertThat(extenders).hasSize(1);
        return extenders.get(0);
    }

    /** The volume mount of {@code d}'s first container at {@code dir}. */
    static VolumeMount mountAt(Deployment d, String dir) {
        return container(d).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals(dir))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "nothing mounted at " + dir + " in " + d.getMetadata().getName()));
    }

    static Volume volume(Deployment d, String name) {
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        return pod.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no volume " + name + " in " + d.getMetadata().getName()));
    }

    private static Container container(Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().get(0);
    }
}
