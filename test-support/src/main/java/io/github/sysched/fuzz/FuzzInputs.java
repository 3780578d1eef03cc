package io.github.sysched.fuzz;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A seeded, reproducible stream of hostile request bodies derived from valid seed documents: truncations,
 * byte flips, invalid UTF-8, deleted fields, swapped types, deep nesting, huge arrays and strings, numbers
 * beyond the parser's limits, garbage, and (at {@code annotationTargets}) almost-valid values of our pod
 * annotations. Every input names the mutation that made it ({@link Input#kind()}), so a failure can be
 * reproduced from the seed and the input's index.
 */
public final class FuzzInputs {

    /** One generated body and the mutation that produced it. */
    public record Input(int index, String kind, byte[] body) {
        public String preview() {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return "#" + index + " " + kind + " (" + body.length + " bytes): " + text
                    + (body.length > 300 ? "..." : "");
        }
    }

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Stands in for raw text the tree model cannot hold (too deep, invalid escapes); replaced after writing. */
    private static final String RAW = "__fuzz_raw_placeholder__";

    private static final byte[][] INVALID_UTF8 = {
        {(byte) 0xC3, 0x28},
        {(byte) 0xFF},
        {(byte) 0xFE, (byte) 0xFF},
        {(byte) 0xC0, (byte) 0xAF},
        {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
        {(byte) 0xE2, (byte) 0x82},
        {(byte) 0x80},
        {0x00}
    };
    private static final String[] BAD_ESCAPES = {
        "\\ud800", "\\udfff\\ud800", "\\u0000", "\\uZZZZ", "\\x41", "\\", "\\u12"
    };
    private static final String[] NOT_OBJECTS = {
        "",
        " ",
        "null",
        "[]",
        "[{}]",
        "\"x\"",
        "1",
        "true",
        "{}",
        "{\"apiVersion\":null}",
        "\uFEFF{}",
        "{}{}",
        "{\"a\":1}garbage"
    };
    private static final String[] STRING_SWAPS = {
        "",
        " ",
        "null",
        "0",
        "-1",
        "true",
        "v1",
        "CREATE",
        "UPDATE",
        "DELETE",
        "create",
        "Pod",
        "AdmissionReview",
        "admission.k8s.io/v1beta1",
        "admission.k8s.io/v2",
        "\u0000",
        "\u202e",
        "é",
        "🦀",
        "default",
        "kube-system",
        "*",
        "../",
        "%00",
        "a/b~c"
    };

    private final SplittableRandom random;
    private final List<JsonNode> seeds;
    private final List<String> annotationTargets;
    private final List<String> annotationKeys;
    private final int maxBytes;
    private int index;

    /**
     * @param seed              reproduces the stream
     * @param seeds             valid documents to start from
     * @param annotationTargets JSON pointers (into a seed) of objects whose {@code metadata.annotations} get
     *                          almost-valid values of {@code annotationKeys}; targets missing in a seed are skipped
     * @param annotationKeys    annotation keys to write there
     * @param maxBytes          upper bound for grown inputs (huge arrays and strings stay below it)
     */
    public FuzzInputs(
            long seed,
            List<? extends JsonNode> seeds,
            List<String> annotationTargets,
            List<String> annotationKeys,
            int maxBytes) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("need at least one seed document");
        }
        this.random = new SplittableRandom(seed);
        this.seeds = List.copyOf(seeds);
        this.annotationTargets = List.copyOf(annotationTargets);
        this.annotationKeys = List.copyOf(annotationKeys);
        this.maxBytes = maxBytes;
    }

    /** {@code -D<property>=<long>} when set, else {@code fallback}: the normal suite is reproducible by default. */
    public static long seed(String property, long fallback) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? fallback : Long.parseLong(value.trim());
    }

    /** {@code -D<property>=<int>} when set, else {@code fallback}. */
    public static int count(String property, int fallback) {
        String value = System.getProperty(property);
        return value == null || value.isBlank() ? fallback : Integer.parseInt(value.trim());
    }

    public List<Input> take(int count) {
        List<Input> inputs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            inputs.add(next());
        }
        return inputs;
    }

    public Input next() {
        int i = index++;
        JsonNode seed = seeds.get(random.nextInt(seeds.size()));
        int pick = random.nextInt(100);
        if (pick < 4) {
            return new Input(i, "valid", write(seed));
        }
        if (pick < 12) {
            byte[] bytes = write(seed);
            return new Input(i, "truncated", Arrays.copyOf(bytes, random.nextInt(bytes.length)));
        }
        if (pick < 20) {
            return new Input(i, "byte-flips", flipBytes(write(seed)));
        }
        if (pick < 26) {
            return new Input(i, "invalid-utf8", insertInvalidUtf8(write(seed)));
        }
        if (pick < 36) {
            return new Input(i, "field-deleted", mutateTree(seed, 1 + random.nextInt(3), this::deleteField));
        }
        if (pick < 48) {
            return new Input(i, "type-swapped", mutateTree(seed, 1 + random.nextInt(3), this::swapType));
        }
        if (pick < 56) {
            return new Input(i, "string-swapped", mutateTree(seed, 1 + random.nextInt(3), this::swapString));
        }
        if (pick < 72 && !annotationTargets.isEmpty()) {
            return new Input(i, "almost-valid-annotation", almostValidAnnotation(seed));
        }
        if (pick < 77) {
            return new Input(i, "deep-nesting", deepNesting(seed, new int[] {499, 501, 2_000}));
        }
        if (pick < 79) {
            return new Input(i, "huge-array", replaceRandomNode(seed, hugeArray(new int[] {1_000, 10_000, 100_000})));
        }
        if (pick < 80) {
            return new Input(i, "huge-string", replaceRandomNode(seed, NODES.stringNode(hugeString(200_000))));
        }
        if (pick < 84) {
            return new Input(i, "big-number", replaceRandomNode(seed, bigNumber()));
        }
        if (pick < 88) {
            return new Input(
                    i,
                    "bad-escape",
                    rawAtRandomNode(seed, "\"" + BAD_ESCAPES[random.nextInt(BAD_ESCAPES.length)] + "\""));
        }
        if (pick < 93) {
            return new Input(
                    i,
                    "not-an-object",
                    NOT_OBJECTS[random.nextInt(NOT_OBJECTS.length)].getBytes(StandardCharsets.UTF_8));
        }
        if (pick < 97) {
            byte[] garbage = new byte[random.nextInt(512)];
            random.nextBytes(garbage);
            return new Input(i, "garbage", garbage);
        }
        byte[] combined = mutateTree(seed, 1, this::swapType);
        return new Input(i, "combined", flipBytes(combined));
    }

    /**
     * The large inputs, one of each, whatever the seed: 100,000 unclosed '[' and '{', a nesting far beyond the
     * parser's depth limit inside a seed, a 400,000-element array, a string of half {@code maxBytes}, and a
     * body of exactly {@code maxBytes}.
     */
    public List<Input> extremes() {
        JsonNode seed = seeds.get(0);
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input(index++, "deep-nesting", "[".repeat(100_000).getBytes(StandardCharsets.UTF_8)));
        inputs.add(new Input(index++, "deep-nesting", "{\"a\":".repeat(100_000).getBytes(StandardCharsets.UTF_8)));
        inputs.add(new Input(index++, "deep-nesting", rawAtRandomNode(seed, "[".repeat(50_000) + "]".repeat(50_000))));
        inputs.add(new Input(index++, "huge-array", replaceRandomNode(seed, hugeArray(new int[] {400_000}))));
        inputs.add(new Input(
                index++,
                "huge-string",
                replaceRandomNode(seed, NODES.stringNode("x".repeat(Math.max(1, maxBytes / 2))))));
        inputs.add(padded(index++, maxBytes));
        return inputs;
    }

    /** A JSON object of exactly {@code size} bytes ({@code {"pad":"xxx..."}}), e.g. one byte over a size cap. */
    public static Input padded(int index, int size) {
        byte[] start = "{\"pad\":\"".getBytes(StandardCharsets.US_ASCII);
        byte[] body = new byte[Math.max(size, start.length + 2)];
        System.arraycopy(start, 0, body, 0, start.length);
        Arrays.fill(body, start.length, body.length - 2, (byte) 'x');
        body[body.length - 2] = '"';
        body[body.length - 1] = '}';
        return new Input(index, "padded-" + body.length, body);
    }

    // ---- text-level mutations ----------------------------------------------------------------------------

    private byte[] flipBytes(byte[] bytes) {
        byte[] out = bytes.clone();
        int flips = 1 + random.nextInt(8);
        for (int f = 0; f < flips && out.length > 0; f++) {
            out[random.nextInt(out.length)] = (byte) random.nextInt(256);
        }
        return out;
    }

    private byte[] insertInvalidUtf8(byte[] bytes) {
        List<Integer> quotes = new ArrayList<>();
        for (int p = 0; p < bytes.length; p++) {
            if (bytes[p] == '"') {
                quotes.add(p);
            }
        }
        int at = quotes.isEmpty() ? random.nextInt(bytes.length + 1) : quotes.get(random.nextInt(quotes.size())) + 1;
        byte[] bad = INVALID_UTF8[random.nextInt(INVALID_UTF8.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bad.length);
        out.write(bytes, 0, at);
        out.writeBytes(bad);
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private byte[] deepNesting(JsonNode seed, int[] depths) {
        int depth = depths[random.nextInt(depths.length)];
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        return switch (random.nextInt(3)) {
            case 0 -> nested.getBytes(StandardCharsets.UTF_8);
            case 1 -> open.repeat(depth).getBytes(StandardCharsets.UTF_8); // never closed
            default -> rawAtRandomNode(seed, nested);
        };
    }

    // ---- tree-level mutations ----------------------------------------------------------------------------

    /** A place in a tree: the container and the property name or array index of one of its values. */
    private record Slot(JsonNode parent, String property, int element) {
        JsonNode value() {
            return property != null ? parent.get(property) : parent.get(element);
        }

        void set(JsonNode value) {
            if (property != null) {
                ((ObjectNode) parent).set(property, value);
            } else {
                ((ArrayNode) parent).set(element, value);
            }
        }
    }

    private static List<Slot> slots(JsonNode root) {
        List<Slot> slots = new ArrayList<>();
        collect(root, slots);
        return slots;
    }

    private static void collect(JsonNode node, List<Slot> slots) {
        if (node instanceof ObjectNode object) {
            for (String name : List.copyOf(object.propertyNames())) {
                slots.add(new Slot(object, name, -1));
                collect(object.get(name), slots);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Slot(array, null, i));
                collect(array.get(i), slots);
            }
        }
    }

    private byte[] mutateTree(JsonNode seed, int times, BiFunction<JsonNode, List<Slot>, JsonNode> mutation) {
        JsonNode root = seed.deepCopy();
        for (int t = 0; t < times; t++) {
            root = mutation.apply(root, slots(root));
        }
        return write(root);
    }

    private JsonNode deleteField(JsonNode root, List<Slot> slots) {
        List<Slot> properties = slots.stream().filter(s -> s.property() != null).toList();
        if (properties.isEmpty()) {
            return root;
        }
        Slot slot = properties.get(random.nextInt(properties.size()));
        ((ObjectNode) slot.parent()).remove(slot.property());
        return root;
    }

    private JsonNode swapType(JsonNode root, List<Slot> slots) {
        if (slots.isEmpty()) {
            return otherType(root);
        }
        Slot slot = slots.get(random.nextInt(slots.size()));
        slot.set(otherType(slot.value()));
        return root;
    }

    private JsonNode swapString(JsonNode root, List<Slot> slots) {
        List<Slot> strings = slots.stream().filter(s -> s.value().isString()).toList();
        if (strings.isEmpty()) {
            return root;
        }
        Slot slot = strings.get(random.nextInt(strings.size()));
        String old = slot.value().stringValue();
        String value = switch (random.nextInt(4)) {
            case 0 -> STRING_SWAPS[random.nextInt(STRING_SWAPS.length)];
            case 1 -> old.toUpperCase();
            case 2 -> old + STRING_SWAPS[random.nextInt(STRING_SWAPS.length)];
            default -> old.isEmpty() ? "x" : old.substring(0, random.nextInt(old.length()));
        };
        slot.set(NODES.stringNode(value));
        return root;
    }

    /** A value of a different JSON type than {@code node}. */
    private JsonNode otherType(JsonNode node) {
        for (int attempt = 0; attempt < 8; attempt++) {
            JsonNode candidate = switch (random.nextInt(7)) {
                case 0 -> NODES.nullNode();
                case 1 -> NODES.booleanNode(random.nextBoolean());
                case 2 -> NODES.numberNode(random.nextInt(-5, 1 << 20));
                case 3 -> NODES.numberNode(random.nextDouble() * 1e300);
                case 4 -> NODES.stringNode(STRING_SWAPS[random.nextInt(STRING_SWAPS.length)]);
                case 5 -> NODES.arrayNode().add(node.deepCopy());
                default -> NODES.objectNode().set("x", node.deepCopy());
            };
            if (candidate.getNodeType() != node.getNodeType()) {
                return candidate;
            }
        }
        return NODES.nullNode();
    }

    private byte[] replaceRandomNode(JsonNode seed, JsonNode value) {
        JsonNode root = seed.deepCopy();
        List<Slot> slots = slots(root);
        if (slots.isEmpty()) {
            return write(value);
        }
        slots.get(random.nextInt(slots.size())).set(value);
        return write(root);
    }

    private byte[] rawAtRandomNode(JsonNode seed, String raw) {
        String written = new String(replaceRandomNode(seed, NODES.stringNode(RAW)), StandardCharsets.UTF_8);
        return written.replace("\"" + RAW + "\"", raw).getBytes(StandardCharsets.UTF_8);
    }

    private JsonNode hugeArray(int[] sizes) {
        int size = Math.min(sizes[random.nextInt(sizes.length)], Math.max(1, maxBytes / 8));
        ArrayNode array = NODES.arrayNode(size);
        JsonNode element = switch (random.nextInt(4)) {
            case 0 -> NODES.numberNode(7);
            case 1 -> NODES.stringNode("node-1");
            case 2 -> NODES.nullNode();
            default -> NODES.objectNode();
        };
        for (int i = 0; i < size; i++) {
            array.add(element);
        }
        return array;
    }

    private String hugeString(int max) {
        int length = Math.min(1 + random.nextInt(max), Math.max(1, maxBytes / 2));
        return "x".repeat(length);
    }

    private JsonNode bigNumber() {
        return switch (random.nextInt(4)) {
            case 0 -> NODES.numberNode(new BigInteger("9".repeat(1_500)));
            case 1 -> NODES.numberNode(new BigDecimal("1e999999"));
            case 2 -> NODES.numberNode(new BigInteger("-" + "1".repeat(400)));
            default -> NODES.numberNode(Double.MAX_VALUE);
        };
    }

    private byte[] almostValidAnnotation(JsonNode seed) {
        JsonNode root = seed.deepCopy();
        List<String> present =
                annotationTargets.stream().filter(p -> root.at(p).isObject()).toList();
        if (present.isEmpty()) {
            return write(root);
        }
        ObjectNode target = (ObjectNode) root.at(present.get(random.nextInt(present.size())));
        ObjectNode annotations = target.withObjectProperty("metadata").withObjectProperty("annotations");
        int keys = 1 + random.nextInt(annotationKeys.size());
        for (int k = 0; k < keys; k++) {
            annotations.put(
                    annotationKeys.get(random.nextInt(annotationKeys.size())), AlmostValidAnnotations.next(random));
        }
        return write(root);
    }

    private static byte[] write(JsonNode node) {
        return JSON.writeValueAsBytes(node);
    }
}
