package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallTable;
import io.github.sysched.syscall.SyscallWeights;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The engine's flat per-slot state: slots freed and reused as nodes empty and fill, unions widened when a set needs
 * more words than any before, slot hints trusted only when right, and readers that see a resync whole or not at all.
 */
class ExsEngineSlotsTest {

    /** Node names with hints kept between calls, as the extender's name table keeps them. */
    private static final class HintedNames extends AbstractList<String> implements ExsEngine.SlotHints {
        private final List<String> names;
        private final int[] hints;

        HintedNames(List<String> names) {
            this.names = names.stream().map(String::intern).toList();
            this.hints = new int[names.size()];
            Arrays.fill(hints, -1);
        }

        @Override
        public String get(int index) {
            return names.get(index);
        }

        @Override
        public int size() {
            return names.size();
        }

        @Override
        public int slotHint(int index) {
            return hints[index];
        }

        @Override
        public void slotHint(int index, int slot) {
            hints[index] = slot;
        }
    }

    /** (k+1)·w(U ∪ P) − k·w(U) − w(P) from the pods' sets, without the engine. */
    private static long marginal(List<SyscallSet> pods, SyscallSet incoming, SyscallWeights weights) {
        if (pods.isEmpty()) {
            return 0;
        }
        SyscallSet union = SyscallSet.empty();
        for (SyscallSet pod : pods) {
            union = union.union(pod);
        }
        int k = pods.size();
        return (k + 1L) * weights.weigh(union.union(incoming)) - k * weights.weigh(union) - weights.weigh(incoming);
    }

    @Test
    void hintedAndPlainListsScoreAlikeWhileSlotsAreReusedAndUnionsWiden() {
        Random random = new Random(20261207L);
        List<String> syscalls = SyscallTable.x86_64().allSyscalls().names().subList(0, 40);
        // names the table has never seen land past its last word: the engine must widen every union mid-run
        List<String> late = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            late.add("exs-engine-slots-test-name-" + i);
        }
        SyscallWeights weights = SyscallWeights.of(2, Map.of(syscalls.get(5), 9L, late.get(3), 4L));
        ExsEngine engine = new ExsEngine(weights);
        List<String> nodes = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            nodes.add("slots-node-" + n);
        }
        List<String> asked = new ArrayList<>(nodes);
        asked.add("slots-node-never-placed");
        HintedNames hinted = new HintedNames(asked);
        Map<String, String> nodeOf = new LinkedHashMap<>();
        Map<String, SyscallSet> setOf = new HashMap<>();
        boolean widened = false;
        for (int step = 0; step < 1500; step++) {
            boolean wide = step > 500 && random.nextInt(4) == 0;
            if (random.nextInt(10) < 5 || nodeOf.isEmpty()) {
                String uid = "pod-" + step;
                List<String> names = new ArrayList<>();
                for (int i = random.nextInt(12); i > 0; i--) {
                    names.add(syscalls.get(random.nextInt(syscalls.size())));
                }
                if (wide) {
                    names.add(late.get(random.nextInt(late.size())));
                    widened = true;
                }
                SyscallSet set = SyscallSet.of(names);
                String node = nodes.get(random.nextInt(nodes.size()));
                engine.place(uid, node, set);
                nodeOf.put(uid, node);
                setOf.put(uid, set);
            } else {
                // remove often enough that nodes empty, give their slots back and other nodes take them
                String uid = new ArrayList<>(nodeOf.keySet()).get(random.nextInt(nodeOf.size()));
                assertThat(engine.remove(uid)).isTrue();
                nodeOf.remove(uid);
                setOf.remove(uid);
            }
            if (random.nextInt(5) == 0) {
                // a wrong hint: another node's slot, or one past every slot
                hinted.slotHint(random.nextInt(asked.size()), random.nextInt(20));
            }
            SyscallSet incoming = SyscallSet.of(
                    syscalls.get(random.nextInt(syscalls.size())),
                    wide ? late.get(random.nextInt(late.size())) : syscalls.get(0));
            ExsEngine.Marginal viaHints = engine.marginal(hinted, incoming);
            ExsEngine.Marginal viaMap = engine.marginal(List.copyOf(asked), incoming);
            for (int n = 0; n < asked.size(); n++) {
                String node = asked.get(n);
                List<SyscallSet> pods = new ArrayList<>();
                nodeOf.forEach((uid, at) -> {
                    if (at.equals(node)) {
                        pods.add(setOf.get(uid));
                    }
                });
                assertThat(viaHints.added()[n])
                        .as("step %d node %s", step, node)
                        .isEqualTo(marginal(pods, incoming, weights))
                        .isEqualTo(viaMap.added()[n]);
                assertThat(viaHints.podCounts()[n]).isEqualTo(pods.size()).isEqualTo(viaMap.podCounts()[n]);
                if (!pods.isEmpty()) {
                    // the hint now names the node's slot: the next call reads it without the map
                    assertThat(hinted.slotHint(n)).as("hint of %s", node).isGreaterThanOrEqualTo(0);
                }
            }
            assertThat(engine.rawScores(hinted, incoming)).containsExactly(engine.rawScores(asked, incoming));
        }
        assertThat(widened).isTrue();
        assertThat(engine.podsPerNode().values().stream()
                        .mapToInt(Integer::intValue)
                        .sum())
                .isEqualTo(nodeOf.size());
    }

    @Test
    void aSlotGivenBackServesItsNextNodeAndNotTheOldNamesHint() {
        ExsEngine engine = new ExsEngine();
        SyscallSet a = SyscallSet.of("read", "write");
        SyscallSet b = SyscallSet.of("read", "openat", "close");
        engine.place("p1", "old-node", a);
        HintedNames old = new HintedNames(List.of("old-node"));
        assertThat(engine.marginal(old, b).podCounts()).containsExactly(1);
        int slot = old.slotHint(0);
        assertThat(slot).isGreaterThanOrEqualTo(0);

        engine.remove("p1");
        engine.place("p2", "new-node", b); // takes the slot old-node gave back
        HintedNames fresh = new HintedNames(List.of("new-node"));
        assertThat(engine.marginal(fresh, a).podCounts()).containsExactly(1);
        assertThat(fresh.slotHint(0)).isEqualTo(slot);

        ExsEngine.Marginal stale = engine.marginal(old, a);
        assertThat(stale.podCounts()).containsExactly(0);
        assertThat(stale.added()).containsExactly(0);
    }

    /**
     * A resync replaces the state whole: a reader scoring while the writer swaps two placements back and forth gets
     * the scores of one of them, never a mix of a half-cleared state and the other.
     */
    @Test
    void readersSeeAResyncWholeOrNotAtAll() throws Exception {
        Random random = new Random(7);
        List<String> syscalls = SyscallTable.x86_64().allSyscalls().names().subList(0, 64);
        List<String> nodes = new ArrayList<>();
        for (int n = 0; n < 300; n++) {
            nodes.add("resync-node-" + n);
        }
        List<Map<String, Map.Entry<String, SyscallSet>>> states = new ArrayList<>();
        for (int s = 0; s < 2; s++) {
            Map<String, Map.Entry<String, SyscallSet>> pods = new LinkedHashMap<>();
            for (int p = 0; p < 900; p++) {
                List<String> names = new ArrayList<>();
                for (int i = 1 + random.nextInt(10); i > 0; i--) {
                    names.add(syscalls.get(random.nextInt(syscalls.size())));
                }
                pods.put(
                        "state-" + s + "-pod-" + p,
                        Map.entry(nodes.get(random.nextInt(nodes.size())), SyscallSet.of(names)));
            }
            states.add(pods);
        }
        SyscallSet incoming = SyscallSet.of(syscalls.subList(0, 20));
        HintedNames hinted = new HintedNames(nodes);
        List<long[]> expected = new ArrayList<>();
        for (Map<String, Map.Entry<String, SyscallSet>> state : states) {
            ExsEngine alone = new ExsEngine();
            alone.replaceAll(state);
            expected.add(alone.marginal(nodes, incoming).added());
        }
        assertThat(expected.get(0)).isNotEqualTo(expected.get(1));

        ExsEngine engine = new ExsEngine();
        engine.replaceAll(states.get(0));
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> mixed = new AtomicReference<>();
        CountDownLatch readersStarted = new CountDownLatch(2);
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            boolean useHints = r == 0;
            Thread reader = new Thread(() -> {
                readersStarted.countDown();
                while (!done.get() && mixed.get() == null) {
                    long[] added =
                            engine.marginal(useHints ? hinted : nodes, incoming).added();
                    if (!Arrays.equals(added, expected.get(0)) && !Arrays.equals(added, expected.get(1))) {
                        mixed.set(Arrays.toString(Arrays.copyOf(added, 10)));
                    }
                }
            });
            reader.start();
            readers.add(reader);
        }
        readersStarted.await();
        for (int swap = 1; swap <= 200 && mixed.get() == null; swap++) {
            engine.replaceAll(states.get(swap % 2));
        }
        done.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        assertThat(mixed.get()).as("a score from a half-replaced state").isNull();
    }
}
