package dev.secondsite.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.secondsite.core.InvalidDocumentException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Rule;
import dev.secondsite.core.plan.PlanContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutation fuzzing of every public document reader: from valid configuration and plan documents, mutants made
 * by byte flips, insertions, deletions, truncations, deep nesting, huge strings and tree edits. Each reader must return
 * a value or throw {@link InvalidDocumentException}; nothing else.
 */
class DocumentFuzzTest {
    static final int MUTANTS_PER_READER = 20_000;
    private static final long SEED = 0x5EC0_9D5_17EL;
    /** A mapper without limits, to build mutants past them and trees to hand to the JsonNode readers. */
    private static final ObjectMapper LENIENT = new ObjectMapper();
    private static final PlanContext PLAN_CONTEXT = PlanContext.of("vmm-a", List.of("db-1", "app-1", "web-1",
            "web-2"));
    private static final PlanContext SRP_CONTEXT = PlanContext.of("vmm-primary-site", List.of(
            "5b9f3a52-21d3-4c55-9a0e-1f0b2c4c8a11", "7c2e8d14-6a3b-4f1e-8b2d-3e9a0c5d7f22",
            "9e4a1b36-8c5d-4e2f-a1b3-5d7e9f0a1c33"));
    private static final String[] SNIPPETS = {"{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true", "0", "-1",
        "1e999", "9223372036854775808", "\"\"", "[]", "{}", "\"\\u0000\"", "\"x\":1,", "\u00e9", "\ud800", " ", "\n",
        "\"PT-1S\"", "\"P99999999999D\"", "\"2026-13-45T99:00:00Z\"", "\"kinds\":[]", "\"/\""};

    /** Seeds parsed once: tree edits copy them rather than parse each time. */
    private static final java.util.Map<String, JsonNode> SEED_TREES = new java.util.HashMap<>();

    static {
        LENIENT.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(100_000).maxStringLength(Integer.MAX_VALUE).build());
    }

    /** One public reader under test. */
    private record Reader(String name, List<String> seeds, Function<String, Object> readText,
                          Function<JsonNode, Object> readTree) {
    }

    private static List<String> configurationSeeds() {
        List<String> seeds = new ArrayList<>();
        Random r = new Random(SEED);
        // small configurations of every feature the generator reaches: mutants of small seeds are as varied and
        // cheaper to read
        while (seeds.size() < 4) {
            String json = ConfigurationJson.export(ConfigurationJsonPropertyTest.randomConfiguration(r));
            if (json.length() < 8_000 && json.contains("\"plans\" : [ {")) {
                seeds.add(json);
            }
        }
        return seeds;
    }

    private static List<Reader> readers() {
        List<String> plans = List.of(PlanJsonTest.DOCUMENT, PlanJson.write(PlanJsonTest.expected()));
        List<String> siteRecoveryPlans = List.of(SiteRecoveryPlanJsonTest.DOCUMENT,
                SiteRecoveryPlanJson.write(SiteRecoveryPlanJsonTest.expected()));
        return List.of(
                new Reader("ConfigurationJson.importDocument", configurationSeeds(),
                        ConfigurationJson::importDocument, null),
                new Reader("PlanJson.read", plans, json -> PlanJson.read(json, PLAN_CONTEXT),
                        tree -> PlanJson.read(tree, PLAN_CONTEXT)),
                new Reader("SiteRecoveryPlanJson.read", siteRecoveryPlans,
                        json -> SiteRecoveryPlanJson.read(json, SRP_CONTEXT),
                        tree -> SiteRecoveryPlanJson.read(tree, SRP_CONTEXT)),
                new Reader("SiteRecoveryPlanJson.read(name)", siteRecoveryPlans,
                        json -> SiteRecoveryPlanJson.read("erp", json, SRP_CONTEXT),
                        tree -> SiteRecoveryPlanJson.read("erp", tree, SRP_CONTEXT)));
    }

    @Test
    @DisplayName("DOCUMENT every public reader returns a value or throws InvalidDocumentException for 20,000 seeded "
            + "mutants of valid configuration and plan documents each")
    void mutantsAreReadOrRefused() {
        for (Reader reader : readers()) {
            Random r = new Random(SEED ^ reader.name().hashCode());
            int refused = 0;
            int read = 0;
            for (int i = 0; i < MUTANTS_PER_READER; i++) {
                String seed = reader.seeds().get(r.nextInt(reader.seeds().size()));
                String mutant = mutate(seed, r);
                if (decode(reader.name(), reader.readText(), mutant, i)) {
                    read++;
                } else {
                    refused++;
                }
                if (reader.readTree() != null && i % 8 == 0) {
                    JsonNode tree = lenientTree(mutant);
                    if (tree != null) {
                        decode(reader.name() + "(JsonNode)", reader.readTree(), tree, i);
                    }
                }
            }
            assertEquals(MUTANTS_PER_READER, read + refused);
            assertTrue(refused > MUTANTS_PER_READER / 2, reader.name() + ": most mutants are refused (" + refused
                    + "), so the mutations reach the readers' checks");
            assertTrue(read > 0, reader.name() + ": some mutants (e.g. whitespace) are still valid documents");
        }
    }

    /** Whether {@code read} returned a value; fails the test on anything thrown but InvalidDocumentException. */
    private static <T> boolean decode(String reader, Function<T, Object> read, T input, int index) {
        try {
            read.apply(input);
            return true;
        } catch (InvalidDocumentException e) {
            assertTrue(e.getMessage().startsWith(e.rule() + ": "), e.getMessage());
            return false;
        } catch (RuntimeException | StackOverflowError e) {
            String shown = String.valueOf(input);
            throw new AssertionError(reader + " threw " + e + " for mutant " + index + ": "
                    + (shown.length() > 400 ? shown.substring(0, 400) + "..." : shown), e);
        }
    }

    private static JsonNode lenientTree(String json) {
        try {
            return LENIENT.readTree(json);
        } catch (Exception e) {
            return null;
        }
    }

    static String mutate(String seed, Random r) {
        int at = r.nextInt(seed.length() + 1);
        return switch (r.nextInt(20)) {
            case 0, 1, 2 -> flip(seed, r);
            case 3, 4, 5 -> seed.substring(0, at) + SNIPPETS[r.nextInt(SNIPPETS.length)] + seed.substring(at);
            case 6, 7 -> seed.substring(0, at) + seed.substring(Math.min(seed.length(), at + 1 + r.nextInt(12)));
            case 8 -> seed.substring(0, at);
            case 9 -> deepNesting(seed, r);
            case 10 -> hugeString(seed, r);
            default -> treeEdit(seed, r);
        };
    }

    private static String flip(String seed, Random r) {
        char[] chars = seed.toCharArray();
        int flips = 1 + r.nextInt(3);
        for (int i = 0; i < flips; i++) {
            int at = r.nextInt(chars.length);
            chars[at] = (char) (chars[at] ^ (1 << r.nextInt(7)));
        }
        return new String(chars);
    }

    /** Wraps a value in arrays or objects to a depth around the limit or far past it. */
    private static String deepNesting(String seed, Random r) {
        int[] depths = {DocumentLimits.MAX_NESTING_DEPTH - 2, DocumentLimits.MAX_NESTING_DEPTH + 1, 1_000};
        int depth = depths[r.nextInt(depths.length)];
        boolean arrays = r.nextBoolean();
        String open = arrays ? "[" : "{\"a\":";
        String close = arrays ? "]" : "}";
        String nested = open.repeat(depth) + "1" + close.repeat(depth);
        int colon = seed.indexOf(':', r.nextInt(seed.length()));
        if (colon < 0) {
            return "{\"x\":" + nested + "}";
        }
        return seed.substring(0, colon + 1) + nested + "," + seed.substring(colon + 1);
    }

    /** Replaces a string value with one just under, at or past the limit. */
    private static String hugeString(String seed, Random r) {
        int quote = seed.indexOf(": \"", r.nextInt(seed.length()));
        if (quote < 0) {
            quote = seed.indexOf(":\"");
        }
        if (quote < 0) {
            return seed;
        }
        int start = seed.indexOf('"', quote) + 1;
        int end = seed.indexOf('"', start);
        int[] lengths = {DocumentLimits.MAX_STRING_CHARS, DocumentLimits.MAX_STRING_CHARS + 1};
        String huge = "x".repeat(lengths[r.nextInt(lengths.length)]);
        return seed.substring(0, start) + huge + seed.substring(end);
    }

    /** A well-formed mutant: a node replaced by a value of another type, a field removed or an element doubled. */
    private static String treeEdit(String seed, Random r) {
        JsonNode root = SEED_TREES.computeIfAbsent(seed, DocumentFuzzTest::lenientTree).deepCopy();
        List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        JsonNode target = containers.get(r.nextInt(containers.size()));
        JsonNode[] values = {null, LENIENT.nullNode(), LENIENT.getNodeFactory().textNode(""),
            LENIENT.getNodeFactory().textNode(" "), LENIENT.getNodeFactory().numberNode(-1),
            LENIENT.getNodeFactory().numberNode(Long.MAX_VALUE), LENIENT.getNodeFactory().numberNode(1.5),
            LENIENT.createArrayNode(), LENIENT.createObjectNode(), LENIENT.getNodeFactory().booleanNode(true)};
        JsonNode value = values[r.nextInt(values.length)];
        if (target instanceof ObjectNode object && object.size() > 0) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(r.nextInt(names.size()));
            if (value == null) {
                object.remove(name);
            } else {
                object.set(name, value);
            }
        } else if (target instanceof ArrayNode array && array.size() > 0) {
            int index = r.nextInt(array.size());
            if (value == null) {
                array.add(array.get(index).deepCopy());
            } else {
                array.set(index, value);
            }
        } else if (target instanceof ArrayNode array) {
            array.add(value == null ? LENIENT.nullNode() : value);
        }
        return root.toString();
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                collect(it.next(), containers);
            }
        }
    }

    @Test
    @DisplayName("DOCUMENT the limits: nesting past the depth, a string past its length and a document past its size "
            + "are refused with InvalidDocumentException naming the limits; at the limits a document is read")
    void limits() {
        String plan = PlanJson.write(PlanJsonTest.expected());
        String atDepth = plan.replaceFirst("\\{", "{\"x\":" + "[".repeat(DocumentLimits.MAX_NESTING_DEPTH - 1)
                + "]".repeat(DocumentLimits.MAX_NESTING_DEPTH - 1) + ",");
        InvalidDocumentException unknown = assertThrows(InvalidDocumentException.class,
                () -> PlanJson.read(atDepth, PLAN_CONTEXT));
        assertTrue(unknown.getMessage().contains("unknown field 'x'"), "at the depth limit the document is read: "
                + unknown.getMessage());
        String pastDepth = plan.replaceFirst("\\{", "{\"x\":" + "[".repeat(DocumentLimits.MAX_NESTING_DEPTH)
                + "]".repeat(DocumentLimits.MAX_NESTING_DEPTH) + ",");
        assertOverLimit(() -> PlanJson.read(pastDepth, PLAN_CONTEXT));
        assertOverLimit(() -> PlanJson.read(lenientTree(pastDepth), PLAN_CONTEXT));

        String longName = plan.replace("\"erp\"", "\"" + "n".repeat(DocumentLimits.MAX_STRING_CHARS + 1) + "\"");
        assertOverLimit(() -> PlanJson.read(longName, PLAN_CONTEXT));
        assertOverLimit(() -> SiteRecoveryPlanJson.read(longName, SRP_CONTEXT));
        assertOverLimit(() -> SiteRecoveryPlanJson.read(lenientTree(longName), SRP_CONTEXT));

        String huge = plan + " ".repeat(DocumentLimits.MAX_DOCUMENT_CHARS);
        assertOverLimit(() -> ConfigurationJson.importDocument(huge));
        assertFalse(DocumentLimits.MAX_DOCUMENT_CHARS < 16 << 20, "room for a large vault's configuration");
    }

    private static void assertOverLimit(org.junit.jupiter.api.function.Executable read) {
        InvalidDocumentException e = assertThrows(InvalidDocumentException.class, read);
        assertEquals(Rule.DOCUMENT, e.rule());
        assertTrue(e.getMessage().contains("nesting depth at most " + DocumentLimits.MAX_NESTING_DEPTH), e.getMessage());
        assertTrue(e.getMessage().contains("strings at most " + DocumentLimits.MAX_STRING_CHARS), e.getMessage());
        if (e.getMessage().isEmpty()) {
            fail("no message");
        }
    }
}
