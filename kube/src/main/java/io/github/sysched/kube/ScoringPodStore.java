package io.github.sysched.kube;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.github.sysched.pod.ScoringPod;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The pod informer's store: each pod as a {@link ScoringPod} (what scoring reads, a few hundred bytes) instead of
 * the full object, handed out as a new {@link Pod} with just those fields on every read. Event handlers still get
 * the full object of each watch event; what they get from the store (the initial list's adds, tombstones, the old
 * side of an update) is the reduced pod, as is {@link ClusterView#pod}.
 *
 * <p>Written rather than fabric8's {@code ReducedStateItemStore}, which keeps whole JSON subtrees as generic maps
 * (every container with its image, env and mounts, every annotation) and rebuilds each object through the JSON
 * mapper on every read.
 */
final class ScoringPodStore implements ItemStore<Pod> {

    private final Map<String, ScoringPod> pods = new ConcurrentHashMap<>();

    @Override
    public String getKey(Pod pod) {
        return Cache.metaNamespaceKeyFunc(pod);
    }

    @Override
    public Pod put(String key, Pod pod) {
        return toPod(pods.put(key, ScoringPod.of(pod)));
    }

    @Override
    public Pod remove(String key) {
        return toPod(pods.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return pods.keySet().stream();
    }

    @Override
    public Stream<Pod> values() {
        return pods.values().stream().map(ScoringPod::toPod);
    }

    @Override
    public int size() {
        return pods.size();
    }

    @Override
    public Pod get(String key) {
        return toPod(pods.get(key));
    }

    private static Pod toPod(ScoringPod pod) {
        return pod == null ? null : pod.toPod();
    }
}
