package io.github.sysched.scheduler.extender;

import io.github.sysched.scoring.ExsEngine;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * One canonical {@link NodeName} per node name the extender has been asked about, looked up from the parser's
 * character buffer without allocating: a request's 5,000 {@code NodeNames} cost 5,000 probes and no new strings
 * once the names are known. The canonical {@link String} is {@link String#intern() interned}, as the
 * {@code ExsEngine}'s node keys are, so the engine's and the IPP index's map lookups match by identity with a
 * cached hash instead of comparing fresh strings byte by byte (B2 found that comparison to be most of the scoring
 * time at 5,000 nodes). Each entry also holds the name's JSON string literal, so answers copy it instead of escaping it.
 *
 * <p>Lock-free reads over an open-addressing table; additions (a name seen for the first time) are serialized. The
 * table holds at most {@link #MAX_NAMES}; a request with more new names than that (no cluster has them) empties it
 * first, so names sent once by a misbehaving client cannot grow it without bound: they only make later requests
 * allocate again until the real names are back.
 */
final class NodeNameTable {

    /**
     * A node name, its JSON string literal (escaped, in quotes) as UTF-8, and its hash: kept here so that a probe
     * compares it without following the reference to the string (at 5,000 names a cache miss each). It also keeps
     * where the {@code ExsEngine} last found the node ({@link ExsEngine.SlotHints}), so that scoring reads the node's
     * state without a map lookup: a hint the engine checks, written without synchronization (an int is read and
     * written whole, and a stale or lost hint only costs the lookup). Its {@code id} is dense and unique among the
     * entries of one {@code idSpace} (the table until it is emptied), so that sets of names can be bitsets
     * ({@link io.github.sysched.scheduler.state.NodeIds}).
     */
    static final class NodeName {
        private final String name;
        private final byte[] json;
        private final int hash;
        private final int id;
        private final Object idSpace;
        private int engineSlot = -1;

        NodeName(String name, byte[] json, int hash, int id, Object idSpace) {
            this.name = name;
            this.json = json;
            this.hash = hash;
            this.id = id;
            this.idSpace = idSpace;
        }

        int id() {
            return id;
        }

        Object idSpace() {
            return idSpace;
        }

        String name() {
            return name;
        }

        byte[] json() {
            return json;
        }

        int engineSlot() {
            return engineSlot;
        }

        void engineSlot(int slot) {
            engineSlot = slot;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static final int MAX_NAMES = 1 << 16;
    private static final int INITIAL_SLOTS = 1 << 10;
    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(NodeName[].class);

    private volatile NodeName[] slots = new NodeName[INITIAL_SLOTS];
    private int size;
    /** The ids of the entries added since the table was last emptied: an entry's id is the table's size before it. */
    private Object idSpace = new Object();

    /** The canonical entry for the name in {@code chars[offset, offset + length)}. */
    NodeName lookup(char[] chars, int offset, int length) {
        int hash = hash(chars, offset, length);
        NodeName[] table = slots;
        int mask = table.length - 1;
        for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
            NodeName entry = (NodeName) SLOTS.getAcquire(table, i);
            if (entry == null) {
                break;
            }
            if (entry.hash == hash && matches(entry, chars, offset, length)) {
                return entry;
            }
        }
        return add(new String(chars, offset, length));
    }

    /** The canonical entry for {@code name}. */
    NodeName lookup(String name) {
        return lookup(name.toCharArray(), 0, name.length());
    }

    int size() {
        return size;
    }

    private synchronized NodeName add(String name) {
        NodeName[] table = slots;
        int index = find(table, name);
        if (table[index] != null) {
            return table[index]; // another thread added it meanwhile
        }
        if (size >= MAX_NAMES) {
            table = new NodeName[INITIAL_SLOTS];
            size = 0;
            idSpace = new Object();
            slots = table;
            index = find(table, name);
        } else if ((size + 1) * 2 > table.length) {
            table = grown(table);
            slots = table;
            index = find(table, name);
        }
        String canonical = name.intern();
        byte[] escaped = JsonStringEncoder.getInstance().quoteAsUTF8(canonical);
        byte[] json = new byte[escaped.length + 2];
        json[0] = '"';
        System.arraycopy(escaped, 0, json, 1, escaped.length);
        json[json.length - 1] = '"';
        NodeName entry = new NodeName(canonical, json, canonical.hashCode(), size, idSpace);
        SLOTS.setRelease(table, index, entry);
        size++;
        return entry;
    }

    private static NodeName[] grown(NodeName[] table) {
        NodeName[] grown = new NodeName[table.length * 2];
        for (NodeName entry : table) {
            if (entry != null) {
                grown[find(grown, entry.name)] = entry;
            }
        }
        return grown;
    }

    /** The slot holding {@code name}, or the empty slot where it belongs. */
    private static int find(NodeName[] table, String name) {
        int mask = table.length - 1;
        int i = spread(name.hashCode()) & mask;
        while (table[i] != null && !table[i].name.equals(name)) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** {@link String#hashCode()} of the characters, so that a match can compare the entry's cached hash first. */
    private static int hash(char[] chars, int offset, int length) {
        int hash = 0;
        for (int i = offset, end = offset + length; i < end; i++) {
            hash = 31 * hash + chars[i];
        }
        return hash;
    }

    private static int spread(int hash) {
        return hash ^ (hash >>> 16);
    }

    /**
     * Whether {@code entry} is the name in {@code chars}. A literal two bytes longer than the name is the name in
     * quotes, every character one unescaped ASCII byte (any escape or non-ASCII character takes more bytes): then the
     * bytes the answer will copy are compared, without touching the string.
     */
    private static boolean matches(NodeName entry, char[] chars, int offset, int length) {
        byte[] json = entry.json;
        if (json.length == length + 2) {
            for (int i = 0; i < length; i++) {
                if (json[i + 1] != chars[offset + i]) {
                    return false;
                }
            }
            return true;
        }
        String name = entry.name;
        if (name.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
