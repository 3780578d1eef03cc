package io.github.sysched.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeNameTableTest {

    private final NodeNameTable table = new NodeNameTable();

    private NodeNameTable.NodeName lookup(String name) {
        char[] padded = ("xx" + name + "yy").toCharArray(); // a name inside the parser's buffer
        return table.lookup(padded, 2, name.length());
    }

    @Test
    void oneCanonicalEntryPerNameWithItsJsonLiteral() {
        NodeNameTable.NodeName first = lookup("node-1");

        assertThat(lookup("node-1")).isSameAs(first);
        assertThat(first.name()).isSameAs("node-1".intern());
        assertThat(new String(first.json(), StandardCharsets.UTF_8)).isEqualTo("\"node-1\"");
        assertThat(lookup("node-2")).isNotSameAs(first);
        assertThat(table.size()).isEqualTo(2);
    }

    /** Names of one length that differ anywhere, escaped and non-ASCII names, and equal hashes ("Aa", "BB"). */
    @Test
    void namesThatLookAlikeStayApart() {
        List<String> names = List.of(
                "node-10",
                "node-11",
                "xode-10",
                "Aa",
                "BB",
                "no\"de",
                "no\\de",
                "nodé-1",
                "node-é",
                "nöde",
                "n\u2028de");
        for (String name : names) {
            assertThat(lookup(name).name()).as(name).isEqualTo(name);
        }
        for (String name : names) {
            assertThat(lookup(name).name()).as(name + " again").isEqualTo(name);
        }
        assertThat(table.size()).isEqualTo(names.size());
        assertThat(new String(lookup("no\"de").json(), StandardCharsets.UTF_8)).isEqualTo("\"no\\\"de\"");
    }

    /** Ids are dense and unique within one space; once the table is emptied, new entries are of a new space. */
    @Test
    void idsAreDenseWithinOneSpaceAndANewSpaceBeginsWhenTheTableIsEmptied() {
        java.util.Set<Integer> ids = new java.util.HashSet<>();
        NodeNameTable.NodeName first = lookup("id-node-0");
        for (int i = 0; i < 100; i++) {
            NodeNameTable.NodeName entry = lookup("id-node-" + i);
            assertThat(entry.idSpace()).isSameAs(first.idSpace());
            ids.add(entry.id());
        }
        assertThat(ids).hasSize(100).allMatch(id -> id >= 0 && id < 100);
        assertThat(lookup("id-node-7").id()).isEqualTo(lookup("id-node-7").id());

        for (int i = 100; i <= NodeNameTable.MAX_NAMES; i++) {
            lookup("id-node-" + i);
        }
        NodeNameTable.NodeName afterReset = lookup("id-node-0");
        assertThat(afterReset).isNotSameAs(first);
        assertThat(afterReset.idSpace()).isNotSameAs(first.idSpace());
        assertThat(afterReset.id()).isLessThan(table.size());
    }
}
