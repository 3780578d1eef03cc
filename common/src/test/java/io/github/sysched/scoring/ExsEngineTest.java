package io.github.sysched.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.sysched.syscall.SyscallSet;
import io.github.sysched.syscall.SyscallWeights;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExsEngineTest {

    // The worked example of the SySched design document (names are plain strings, as upstream compares them).
    private static final SyscallSet S1 = SyscallSet.of("1", "2", "3", "5");
    private static final SyscallSet S2 = SyscallSet.of("4", "7", "8");
    private static final SyscallSet S3 = SyscallSet.of("1", "3", "5", "9");

    @Test
    void designExampleScoresMatchUpstream() {
        ExsEngine engine = new ExsEngine();
        engine.place("p1", "node1", S1);

        assertThat(engine.rawScores(List.of("node1", "node2"), S2)).containsExactly(7, 0);

        engine.place("p2", "node2", S2);
        assertThat(engine.rawScore("node1", S3)).isEqualTo(2);
        assertThat(engine.rawScore("node2", S3)).isEqualTo(7);
    }

    @Test
    void snapshotsReportUnionPodsAndOwnExs() {
        ExsEngine engine = new ExsEngine();
        engine.place("p1", "node1", S1);
        engine.place("p3", "node1", S3);

        NodeSnapshot node = engine.node("node1").orElseThrow();
        assertThat(node.podCount()).isEqualTo(2);
        assertThat(node.attackSurface()).isEqualTo(5); // {1,2,3,5,9}
        assertThat(node.podWeightSum()).isEqualTo(8);
        assertThat(node.exs()).isEqualTo(2); // |U∖S1| + |U∖S3| = 1 + 1
        assertThat(engine.clusterExs()).isEqualTo(2);
    }

    @Test
    void removalRestoresThePreviousUnion() {
        ExsEngine engine = new ExsEngine();
        engine.place("p1", "node1", S1);
        engine.place("p3", "node1", S3);
        assertThat(engine.remove("p3")).isTrue();
        assertThat(engine.remove("p3")).isFalse();

        assertThat(engine.attackSurface("node1")).isEqualTo(S1);
        assertThat(engine.rawScore("node1", S2)).isEqualTo(7);
        engine.remove("p1");
        assertThat(engine.node("node1")).isEmpty();
        assertThat(engine.rawScore("node1", S2)).isZero();
    }

    @Test
    void placingAgainOnAnotherNodeMovesThePod() {
        ExsEngine engine = new ExsEngine();
        engine.place("p1", "node1", S1);
        engine.place("p1", "node1", S1);
        engine.place("p1", "node2", S1);

        assertThat(engine.podCount()).isEqualTo(1);
        assertThat(engine.nodeOf("p1")).contains("node2");
        assertThat(engine.node("node1")).isEmpty();
        assertThat(engine.podsPerNode()).isEqualTo(Map.of("node2", 1));
    }

    @Test
    void weightsScaleEachNameAndUniformWeightsChangeNothing() {
        ExsEngine weighted = new ExsEngine(SyscallWeights.of(1, Map.of("4", 10L)));
        weighted.place("p1", "node1", S1);
        // |U∖P| = 4 names of weight 1; (U∪P)∖S1 = {4,7,8} weighs 10+1+1.
        assertThat(weighted.rawScore("node1", S2)).isEqualTo(4 + 12);

        ExsEngine uniform = new ExsEngine(SyscallWeights.of(1, Map.of()));
        uniform.place("p1", "node1", S1);
        assertThat(uniform.rawScore("node1", S2)).isEqualTo(7);
    }
}
