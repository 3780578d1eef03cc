package io.github.sysched.simulation;

import io.github.sysched.profile.SeccompJsonReader;
import io.github.sysched.profile.SeccompPolicy;
import io.github.sysched.profile.SpoProfiles;
import io.github.sysched.spo.SeccompProfile;
import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import io.github.sysched.syscall.SyscallWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads workload files and syscall lists.
 *
 * <p>A workload file is plain text, one entry per line; {@code #} starts a comment, blank lines are ignored:
 * <pre>
 * # settings (all optional), "key = value"
 * universe = 332            # deny-lists are measured against x86_64 syscalls 0..332; "all" = whole table (default)
 * profiles = profiles       # profile directory, relative to the workload file (default "profiles")
 * nodes = 50                # suggested cluster size
 * pods-per-node = 8         # suggested per-node pod limit
 * order = shuffled 42       # arrival order: listed (default) | interleaved | rollout [workers] | shuffled &lt;seed&gt;
 * # workload: "image replicas"
 * nginx 10
 * redis 4
 * </pre>
 * Image {@code x} reads {@code <profiles>/x.json} (Docker/OCI seccomp JSON, {@link SeccompJsonReader}) or else
 * {@code x.yaml}/{@code x.yml} (an SPO {@code SeccompProfile}). Pods are named {@code x-1 .. x-n}, listed image
 * by image in file order before {@code order} applies. Each image stands for a Deployment: its pods are replicas of
 * one ReplicaSet ({@code ReplicaSet default/x}, covered by the replica-spread guard) without resource requests. Image names are restricted to
 * {@code [A-Za-z0-9][A-Za-z0-9._-]*} so they cannot leave the profile directory.
 */
public final class WorkloadLoader {

    private static final Pattern IMAGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private WorkloadLoader() {}

    public static WorkloadFile load(Path workloadFile) {
        return load(workloadFile, java.util.Optional.empty());
    }

    /** {@link #load(Path)} with the profile directory given instead of the file's {@code profiles} setting. */
    public static WorkloadFile load(Path workloadFile, java.util.Optional<Path> profileDirOverride) {
        List<String> lines = readLines(workloadFile);
        Map<String, Integer> replicas = new LinkedHashMap<>();
        SyscallSet universe = SyscallTable.x86_64().allSyscalls();
        String profiles = "profiles";
        OptionalInt nodes = OptionalInt.empty();
        OptionalInt podsPerNode = OptionalInt.empty();
        String order = "listed";
        for (int i = 0; i < lines.size(); i++) {
            String where = workloadFile + ":" + (i + 1);
            String line = stripComment(lines.get(i));
            if (line.isEmpty()) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq >= 0) {
                String key = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(eq + 1).trim();
                switch (key) {
                    case "universe" ->
                        universe = value.equalsIgnoreCase("all")
                                ? SyscallTable.x86_64().allSyscalls()
                                : SyscallTable.x86_64().syscallsNumberedUpTo(positive(value, where, true));
                    case "profiles" -> profiles = value;
                    case "nodes" -> nodes = OptionalInt.of(positive(value, where, false));
                    case "pods-per-node" -> podsPerNode = OptionalInt.of(positive(value, where, false));
                    case "order" -> order = value;
                    default ->
                        throw new IllegalArgumentException(where + ": unknown setting '" + key
                                + "' (universe, profiles, nodes, pods-per-node, order)");
                }
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(where + ": expected 'image replicas', got '" + line + "'");
            }
            if (!IMAGE.matcher(fields[0]).matches()) {
                throw new IllegalArgumentException(where + ": bad image name '" + fields[0] + "'");
            }
            if (replicas.putIfAbsent(fields[0], positive(fields[1], where, true)) != null) {
                throw new IllegalArgumentException(where + ": image '" + fields[0] + "' listed twice");
            }
        }
        Path base = workloadFile.toAbsolutePath().getParent();
        Path profileDir = profileDirOverride.orElse(base == null ? Path.of(profiles) : base.resolve(profiles));
        Map<String, SyscallSet> sets = new LinkedHashMap<>();
        List<SimPod> pods = new ArrayList<>();
        for (Map.Entry<String, Integer> entry : replicas.entrySet()) {
            String image = entry.getKey();
            SyscallSet set = readProfile(profileDir, image, universe);
            sets.put(image, set);
            for (int r = 1; r <= entry.getValue(); r++) {
                pods.add(SimPod.replica(image + "-" + r, "default/" + image, image, set));
            }
        }
        Workload listed = new Workload(pods);
        Workload workload = arrange(listed, order, workloadFile.toString());
        return new WorkloadFile(workload, listed, profileDir, universe, nodes, podsPerNode, replicas, sets);
    }

    /**
     * Applies an {@code order} setting to pods listed image by image: {@code listed}, {@code interleaved},
     * {@code rollout [workers]} ({@link Workload#rolledOut}, 5 workers by default) or {@code shuffled <seed>}.
     */
    public static Workload arrange(Workload workload, String order, String source) {
        String[] words = order.trim().split("\\s+");
        switch (words[0].toLowerCase(Locale.ROOT)) {
            case "listed":
                return workload;
            case "interleaved":
                return workload.interleaved();
            case "rollout":
                if (words.length > 2) {
                    throw new IllegalArgumentException(source + ": 'order = rollout [workers]' takes one number");
                }
                return workload.rolledOut(words.length == 2 ? positive(words[1], source, false) : 5);
            case "shuffled":
                if (words.length != 2) {
                    throw new IllegalArgumentException(source + ": 'order = shuffled <seed>' needs a seed");
                }
                try {
                    return workload.shuffled(Long.parseLong(words[1]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(source + ": bad seed '" + words[1] + "'", e);
                }
            default:
                throw new IllegalArgumentException(source + ": unknown order '" + order
                        + "' (listed, interleaved, rollout [workers], shuffled <seed>)");
        }
    }

    /** The allowed syscalls of {@code image}'s profile in {@code profileDir}, measured against {@code universe}. */
    public static SyscallSet readProfile(Path profileDir, String image, SyscallSet universe) {
        Path json = profileDir.resolve(image + ".json");
        if (Files.isRegularFile(json)) {
            return SeccompJsonReader.read(json).allowedSyscalls(universe);
        }
        for (String extension : List.of(".yaml", ".yml")) {
            Path yaml = profileDir.resolve(image + extension);
            if (Files.isRegularFile(yaml)) {
                return readSpoProfile(yaml).allowedSyscalls(universe);
            }
        }
        throw new IllegalArgumentException(
                "no profile for image '" + image + "' in " + profileDir + " (" + image + ".json, .yaml or .yml)");
    }

    private static SeccompPolicy readSpoProfile(Path yaml) {
        List<SeccompProfile> profiles = KubernetesInput.read(List.of(yaml)).profiles();
        if (profiles.isEmpty()) {
            throw new IllegalArgumentException(yaml + " has no SeccompProfile document");
        }
        return SpoProfiles.policyOf(profiles.get(0));
    }

    /**
     * A list of syscall names (whitespace- or line-separated, {@code #} comments). Every name must be an x86_64
     * syscall of {@link SyscallTable}, so a typo cannot silently shrink the set.
     */
    public static SyscallSet readSyscallList(Path file) {
        Set<String> names = new LinkedHashSet<>();
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = stripComment(lines.get(i));
            if (line.isEmpty()) {
                continue;
            }
            for (String name : line.split("\\s+")) {
                if (SyscallTable.x86_64().syscallNumber(name).isEmpty()) {
                    throw new IllegalArgumentException(
                            file + ":" + (i + 1) + ": '" + name + "' is not an x86_64 syscall");
                }
                names.add(name);
            }
        }
        return SyscallSet.of(names);
    }

    /**
     * Syscall weights for weighted ExS, one {@code name weight} pair per line ({@code #} comments); {@code * weight}
     * sets the weight of every name not listed (default 1). The same weights the extender takes as
     * {@code sysched.scheduler.weights.<name>}. Every name must be an x86_64 syscall and every weight a whole number
     * ≥ 0, so a typo cannot silently leave a syscall at weight 1.
     */
    public static SyscallWeights readWeights(Path file) {
        Map<String, Long> weights = new LinkedHashMap<>();
        long defaultWeight = 1;
        List<String> lines = readLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String where = file + ":" + (i + 1);
            String line = stripComment(lines.get(i));
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(where + ": expected 'syscall weight', got '" + line + "'");
            }
            long weight = positive(fields[1], where, true);
            if (fields[0].equals("*")) {
                defaultWeight = weight;
            } else if (SyscallTable.x86_64().syscallNumber(fields[0]).isEmpty()) {
                throw new IllegalArgumentException(where + ": '" + fields[0] + "' is not an x86_64 syscall");
            } else if (weights.put(fields[0], weight) != null) {
                throw new IllegalArgumentException(where + ": '" + fields[0] + "' weighted twice");
            }
        }
        return SyscallWeights.of(defaultWeight, weights);
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String stripComment(String line) {
        int hash = line.indexOf('#');
        return (hash >= 0 ? line.substring(0, hash) : line).trim();
    }

    private static int positive(String value, String where, boolean zeroAllowed) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0 || (n == 0 && !zeroAllowed)) {
                throw new IllegalArgumentException(where + ": expected a " + (zeroAllowed ? "non-negative" : "positive")
                        + " number, got " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": expected a number, got '" + value + "'", e);
        }
    }
}
