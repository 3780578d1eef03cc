package io.github.sysched.simulation;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * A pod's CPU and memory requests as kube-scheduler (v1.26) counts them: the sum over containers, at least the
 * largest init container, plus {@code spec.overhead}.
 *
 * <p>{@code cpuMilli}/{@code memoryBytes} are the requests as written (0 when absent): what NodeResourcesFit's filter
 * and NodeResourcesBalancedAllocation use. {@code nonZeroCpuMilli}/{@code nonZeroMemoryBytes} replace a container's
 * missing request by 100m CPU / 200 MiB ({@code schedutil.DefaultMilliCPURequest}, {@code DefaultMemoryRequest}):
 * what NodeResourcesFit's LeastAllocated score uses.
 */
public record PodRequests(long cpuMilli, long memoryBytes, long nonZeroCpuMilli, long nonZeroMemoryBytes) {

    public static final long DEFAULT_MILLI_CPU = 100;
    public static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    /** One container without requests. */
    public static final PodRequests NONE = new PodRequests(0, 0, DEFAULT_MILLI_CPU, DEFAULT_MEMORY);

    public PodRequests {
        if (cpuMilli < 0 || memoryBytes < 0 || nonZeroCpuMilli < 0 || nonZeroMemoryBytes < 0) {
            throw new IllegalArgumentException("requests cannot be negative");
        }
    }

    public static PodRequests of(Pod pod) {
        if (pod.getSpec() == null) {
            return NONE;
        }
        long[] sum = new long[4];
        for (Container container : list(pod.getSpec().getContainers())) {
            long[] c = containerRequests(container);
            for (int i = 0; i < 4; i++) {
                sum[i] += c[i];
            }
        }
        for (Container init : list(pod.getSpec().getInitContainers())) {
            long[] c = containerRequests(init);
            for (int i = 0; i < 4; i++) {
                sum[i] = Math.max(sum[i], c[i]);
            }
        }
        Map<String, Quantity> overhead = pod.getSpec().getOverhead();
        if (overhead != null) {
            long cpu = milliCpu(overhead.get("cpu"));
            long memory = bytes(overhead.get("memory"));
            sum[0] += cpu;
            sum[2] += cpu;
            sum[1] += memory;
            sum[3] += memory;
        }
        return new PodRequests(sum[0], sum[1], sum[2], sum[3]);
    }

    private static long[] containerRequests(Container container) {
        Map<String, Quantity> requests = container.getResources() == null
                ? null
                : container.getResources().getRequests();
        Quantity cpu = requests == null ? null : requests.get("cpu");
        Quantity memory = requests == null ? null : requests.get("memory");
        long cpuMilli = milliCpu(cpu);
        long memoryBytes = bytes(memory);
        return new long[] {
            cpuMilli,
            memoryBytes,
            cpu == null ? DEFAULT_MILLI_CPU : cpuMilli,
            memory == null ? DEFAULT_MEMORY : memoryBytes
        };
    }

    static long milliCpu(Quantity quantity) {
        return quantity == null
                ? 0
                : quantity.getNumericalAmount()
                        .multiply(java.math.BigDecimal.valueOf(1000))
                        .setScale(0, java.math.RoundingMode.CEILING)
                        .longValueExact();
    }

    static long bytes(Quantity quantity) {
        return quantity == null
                ? 0
                : quantity.getNumericalAmount()
                        .setScale(0, java.math.RoundingMode.CEILING)
                        .longValueExact();
    }

    private static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : list;
    }
}
