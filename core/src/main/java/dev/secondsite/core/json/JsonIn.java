package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * A JSON object being read strictly, that knows its JSON Pointer path. Every accessor either returns a value of
 * the expected type or throws {@link InvalidDocumentException} naming the path, and {@link #end()} refuses fields
 * that were not read, so a typo in a document is an error instead of a silently lost setting. Every document codec
 * in this package reads through it.
 *
 * <p>Not thread-safe; one reader per document.
 */
final class JsonIn {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    /** Reads one value and refuses anything after it: a record with trailing bytes is damaged, not valid. */
    private static final ObjectReader EXACT_READER = MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final JsonNode node;
    private final String path;
    private final Set<String> read = new HashSet<>();

    private JsonIn(JsonNode node, String path) {
        this.node = node;
        this.path = path;
    }

    /**
     * Reads public documents: exactly one value, within {@link DocumentLimits}. Journal records keep {@link
     * #EXACT_READER}, whose records the store bounds already.
     */
    private static final ObjectReader DOCUMENT_READER = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(DocumentLimits.MAX_NESTING_DEPTH)
                    .maxStringLength(DocumentLimits.MAX_STRING_CHARS)
                    .maxNameLength(DocumentLimits.MAX_STRING_CHARS)
                    .maxDocumentLength(DocumentLimits.MAX_DOCUMENT_CHARS)
                    .build())
            .build())
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /**
     * Parses the public document {@code json}, which must hold exactly one JSON object within {@link DocumentLimits},
     * and returns it.
     *
     * @throws InvalidDocumentException when it is not well-formed JSON, not an object, followed by more, or past a
     *     limit
     */
    static JsonIn parse(String json) {
        if (json.length() > DocumentLimits.MAX_DOCUMENT_CHARS) {
            throw overLimit("the document has " + json.length() + " characters");
        }
        try {
            return root(DOCUMENT_READER.readTree(json));
        } catch (StreamConstraintsException e) {
            throw overLimit(e.getOriginalMessage());
        } catch (IOException e) {
            throw notWellFormed(e);
        }
    }

    /**
     * Reads {@code node}, a public document already parsed by the caller, after checking it against {@link
     * DocumentLimits} as {@link #parse} would.
     *
     * @throws InvalidDocumentException when it is not an object or past a limit
     */
    static JsonIn document(@Nullable JsonNode node) {
        if (node != null) {
            checkLimits(node);
        }
        return of(node, "");
    }

    /** Walks {@code root} without recursion, so that a tree of any depth is refused rather than overflowing. */
    private static void checkLimits(JsonNode root) {
        java.util.ArrayDeque<JsonNode> nodes = new java.util.ArrayDeque<>();
        java.util.ArrayDeque<Integer> depths = new java.util.ArrayDeque<>();
        nodes.push(root);
        depths.push(root.isContainerNode() ? 1 : 0);
        while (!nodes.isEmpty()) {
            JsonNode node = nodes.pop();
            int depth = depths.pop();
            if (depth > DocumentLimits.MAX_NESTING_DEPTH) {
                throw overLimit("the document is nested " + depth + " levels deep");
            }
            if (node.isTextual() && node.textValue().length() > DocumentLimits.MAX_STRING_CHARS) {
                throw overLimit("a string has " + node.textValue().length() + " characters");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                if (field.getKey().length() > DocumentLimits.MAX_STRING_CHARS) {
                    throw overLimit("a field name has " + field.getKey().length() + " characters");
                }
                nodes.push(field.getValue());
                depths.push(field.getValue().isContainerNode() ? depth + 1 : depth);
            }
            if (node.isArray()) {
                for (JsonNode element : node) {
                    nodes.push(element);
                    depths.push(element.isContainerNode() ? depth + 1 : depth);
                }
            }
        }
    }

    /**
     * The text {@code reader} gives, up to {@link DocumentLimits#MAX_DOCUMENT_CHARS}; the caller closes it.
     *
     * @throws InvalidDocumentException when it gives more, or cannot be read
     */
    static String text(Reader reader) {
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[8192];
        try {
            for (int n; (n = reader.read(buffer)) >= 0; ) {
                text.append(buffer, 0, n);
                if (text.length() > DocumentLimits.MAX_DOCUMENT_CHARS) {
                    throw overLimit("the document has more than " + DocumentLimits.MAX_DOCUMENT_CHARS + " characters");
                }
            }
        } catch (IOException e) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "the document could not be read: " + e);
        }
        return text.toString();
    }

    /**
     * Writes {@code document} to {@code out}; the caller closes it.
     *
     * @throws UncheckedIOException when {@code out} fails
     */
    static void write(String document, Writer out) {
        try {
            out.write(document);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InvalidDocumentException overLimit(String what) {
        return new InvalidDocumentException("", Rule.DOCUMENT, "the document exceeds a reader limit ("
                + DocumentLimits.describe() + "): " + what);
    }

    /**
     * Parses UTF-8 {@code json}, which must hold exactly one JSON object, and returns it.
     *
     * @throws InvalidDocumentException when it is not well-formed UTF-8 JSON, not an object, or followed by more
     */
    static JsonIn parseExactly(byte[] json) {
        try {
            return root(EXACT_READER.readTree(json));
        } catch (IOException e) {
            throw notWellFormed(e);
        }
    }

    /**
     * Parses {@code json}, which must hold exactly one JSON object, and returns it.
     *
     * @throws InvalidDocumentException when it is not well-formed JSON, not an object, or followed by more
     */
    static JsonIn parseExactly(String json) {
        try {
            return root(EXACT_READER.readTree(json));
        } catch (IOException e) {
            throw notWellFormed(e);
        }
    }

    private static JsonIn root(@Nullable JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "the document must be a JSON object");
        }
        return new JsonIn(root, "");
    }

    private static InvalidDocumentException notWellFormed(IOException e) {
        String where = e instanceof JsonProcessingException p && p.getLocation() != null
                ? " (line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() + ")" : "";
        String what = e instanceof JsonProcessingException p ? p.getOriginalMessage() : e.getMessage();
        return new InvalidDocumentException("", Rule.DOCUMENT, "not well-formed JSON: " + what + where);
    }

    /**
     * Reads {@code node}, a tree handed over by a caller or embedded in another document, as the object at {@code
     * path} ("" for a whole document).
     *
     * @throws InvalidDocumentException at {@code path} when it is not an object
     */
    static JsonIn of(@Nullable JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            throw new InvalidDocumentException(path, Rule.DOCUMENT, "must be an object, was " + describe(node));
        }
        return new JsonIn(node, path);
    }

    String path() {
        return path;
    }

    /** The path of {@code field} of this object, for error messages. */
    String pathOf(String field) {
        return path + "/" + field.replace("~", "~0").replace("/", "~1");
    }

    /** The path of element {@code index} of array {@code field}, for error messages. */
    String pathOf(String field, int index) {
        return pathOf(field) + "/" + index;
    }

    private @Nullable JsonNode field(String field) {
        read.add(field);
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value;
    }

    boolean has(String field) {
        return node.hasNonNull(field);
    }

    InvalidDocumentException error(String field, String message) {
        return new InvalidDocumentException(pathOf(field), Rule.DOCUMENT, message);
    }

    private JsonNode required(String field) {
        JsonNode value = field(field);
        if (value == null) {
            throw error(field, "'" + field + "' is missing");
        }
        return value;
    }

    String text(String field) {
        JsonNode value = required(field);
        if (!value.isTextual()) {
            throw error(field, "'" + field + "' must be a string, was " + describe(value));
        }
        return value.asText();
    }

    @Nullable String optText(String field) {
        return has(field) ? text(field) : orMark(field);
    }

    private <T> @Nullable T orMark(String field) {
        read.add(field);
        return null;
    }

    int integer(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw error(field, "'" + field + "' must be an integer, was " + describe(value));
        }
        return value.asInt();
    }

    long longValue(String field) {
        JsonNode value = required(field);
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw error(field, "'" + field + "' must be an integer, was " + describe(value));
        }
        return value.asLong();
    }

    int optInteger(String field, int otherwise) {
        return has(field) ? integer(field) : orDefault(field, otherwise);
    }

    private <T> T orDefault(String field, T otherwise) {
        read.add(field);
        return otherwise;
    }

    boolean bool(String field) {
        JsonNode value = required(field);
        if (!value.isBoolean()) {
            throw error(field, "'" + field + "' must be true or false, was " + describe(value));
        }
        return value.asBoolean();
    }

    boolean optBool(String field, boolean otherwise) {
        return has(field) ? bool(field) : orDefault(field, otherwise);
    }

    Instant instant(String field) {
        return parsed(field, text(field), Instant::parse, "an ISO-8601 instant");
    }

    /** Text field {@code field} as an ISO-8601 duration such as PT10M, {@code otherwise} when absent. */
    Duration optDuration(String field, Duration otherwise) {
        String text = optText(field);
        return text == null ? otherwise : parsed(field, text, Duration::parse, "an ISO-8601 duration such as PT10M");
    }

    private <T> T parsed(String field, String text, Function<String, T> parse, String expected) {
        try {
            return parse.apply(text);
        } catch (DateTimeParseException e) {
            throw error(field, "'" + field + "' must be " + expected + ", was '" + text + "'");
        }
    }

    @Nullable Instant optInstant(String field) {
        return has(field) ? instant(field) : orMark(field);
    }

    Duration duration(String field) {
        String text = text(field);
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw error(field, "'" + field + "' must be an ISO-8601 duration such as PT5M, was '" + text + "'");
        }
    }

    <E extends Enum<E>> E enumValue(String field, Class<E> type) {
        return enumOf(field, text(field), type);
    }

    private <E extends Enum<E>> E enumOf(String field, String text, Class<E> type) {
        try {
            return Enum.valueOf(type, text);
        } catch (IllegalArgumentException e) {
            List<String> allowed = new ArrayList<>();
            for (E c : type.getEnumConstants()) {
                allowed.add(c.name());
            }
            throw error(field, "'" + field + "' must be one of " + allowed + ", was '" + text + "'");
        }
    }

    JsonIn object(String field) {
        JsonNode value = required(field);
        if (!value.isObject()) {
            throw error(field, "'" + field + "' must be an object, was " + describe(value));
        }
        return new JsonIn(value, pathOf(field));
    }

    @Nullable JsonIn optObject(String field) {
        return has(field) ? object(field) : orMark(field);
    }

    /** Object {@code field} read with {@code reader}, which must read every field of it. */
    <T> T object(String field, Function<JsonIn, T> reader) {
        JsonIn in = object(field);
        T value = reader.apply(in);
        in.end();
        return value;
    }

    /** Object {@code field} read with {@code reader}, or null when it is absent or null. */
    <T> @Nullable T optObject(String field, Function<JsonIn, T> reader) {
        return has(field) ? object(field, reader) : orMark(field);
    }

    /**
     * Text field {@code field} as the constant that {@code spellings} (constant to its spelling in the document)
     * spells so, for documents whose names are not the constants' own.
     */
    <E extends Enum<E>> E spelled(String field, Map<E, String> spellings) {
        return spelledAt(pathOf(field), "'" + field + "'", text(field), spellings);
    }

    /**
     * The constants spelled (as {@link #spelled}) by the elements of required string array {@code field}, in order;
     * a constant listed twice is refused, as a set is meant.
     *
     * @throws InvalidDocumentException at the array when it is missing, else at the first unknown or repeated element
     */
    <E extends Enum<E>> List<E> spelledSet(String field, Map<E, String> spellings) {
        List<String> texts = requiredTexts(field);
        List<E> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            E value = spelledAt(pathOf(field, i), "each element of '" + field + "'", texts.get(i), spellings);
            if (out.contains(value)) {
                throw new InvalidDocumentException(pathOf(field, i), Rule.DOCUMENT, "'" + field + "' lists '"
                        + texts.get(i) + "' more than once");
            }
            out.add(value);
        }
        return out;
    }

    private static <E extends Enum<E>> E spelledAt(String at, String what, String text, Map<E, String> spellings) {
        for (Map.Entry<E, String> e : spellings.entrySet()) {
            if (e.getValue().equals(text)) {
                return e.getKey();
            }
        }
        throw new InvalidDocumentException(at, Rule.DOCUMENT, what + " must be one of " + spellings.values()
                + ", was '" + text + "'");
    }

    /** The elements of array {@code field} (absent means empty), each read with {@code reader}. */
    <T> List<T> list(String field, Function<JsonIn, T> reader) {
        return elements(field, array(field, false, "an array"), reader);
    }

    /**
     * The elements of array {@code field}, each read with {@code reader}.
     *
     * @throws InvalidDocumentException when the array is missing
     */
    <T> List<T> requiredList(String field, Function<JsonIn, T> reader) {
        return elements(field, array(field, true, "an array"), reader);
    }

    /** Array {@code field}, null when absent and not {@code required}. */
    private @Nullable JsonNode array(String field, boolean required, String expected) {
        JsonNode value = required ? required(field) : field(field);
        if (value != null && !value.isArray()) {
            throw error(field, "'" + field + "' must be " + expected + ", was " + describe(value));
        }
        return value;
    }

    private <T> List<T> elements(String field, @Nullable JsonNode value, Function<JsonIn, T> reader) {
        List<T> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String at = pathOf(field, i);
            if (element == null || !element.isObject()) {
                throw new InvalidDocumentException(at, Rule.DOCUMENT, "element must be an object, was "
                        + describe(element));
            }
            JsonIn in = new JsonIn(element, at);
            T item = reader.apply(in);
            in.end();
            out.add(item);
        }
        return out;
    }

    /** Field {@code field} as it is, for a document read by another codec. */
    JsonNode raw(String field) {
        return required(field);
    }

    /** The raw elements of array {@code field} (absent means empty), for documents read by another codec. */
    List<JsonNode> nodes(String field) {
        List<JsonNode> out = new ArrayList<>();
        JsonNode value = array(field, false, "an array");
        if (value != null) {
            value.forEach(out::add);
        }
        return out;
    }

    /** The strings of array {@code field} (absent means empty). */
    List<String> texts(String field) {
        return strings(field, array(field, false, "an array of strings"));
    }

    /**
     * The strings of array {@code field}.
     *
     * @throws InvalidDocumentException when the array is missing
     */
    List<String> requiredTexts(String field) {
        return strings(field, array(field, true, "an array of strings"));
    }

    private List<String> strings(String field, @Nullable JsonNode value) {
        List<String> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw new InvalidDocumentException(pathOf(field, i), Rule.DOCUMENT,
                        "element must be a string, was " + describe(value.get(i)));
            }
            out.add(value.get(i).asText());
        }
        return out;
    }

    /** The enum constants named by string array {@code field} (absent means empty). */
    <E extends Enum<E>> List<E> enums(String field, Class<E> type) {
        List<E> out = new ArrayList<>();
        for (String text : texts(field)) {
            out.add(enumOf(field, text, type));
        }
        return out;
    }

    /**
     * Runs {@code build} (a domain constructor or builder) and reports a broken rule at this object's path.
     *
     * @throws InvalidDocumentException wrapping the rule's findings
     */
    <T> T build(Supplier<T> build) {
        return at(path, build);
    }

    /**
     * Runs {@code step} (a domain constructor, builder or edit) and reports a broken rule at {@code path}, for a
     * node that is not an object of its own, such as an element of an array of strings.
     *
     * @throws InvalidDocumentException wrapping the rule's findings
     */
    static <T> T at(String path, Supplier<T> step) {
        try {
            return step.get();
        } catch (InvalidDocumentException e) {
            throw e;
        } catch (InvalidConfigurationException e) {
            throw new InvalidDocumentException(path, e);
        }
    }

    /**
     * Refuses any field of this object that was not read.
     *
     * @throws InvalidDocumentException naming the first unknown field
     */
    void end() {
        refuseFieldsBut(read::contains, "");
    }

    /**
     * Refuses, before anything is read, a field not in {@code known}, and counts the known ones as read. A codec that
     * calls it first reports a misspelt field as unknown rather than as the missing field it was meant to be.
     *
     * @return this
     * @throws InvalidDocumentException naming the first unknown field and the known ones
     */
    JsonIn only(Set<String> known) {
        refuseFieldsBut(known::contains, " (known here: " + String.join(", ", known.stream().sorted().toList())
                + ")");
        read.addAll(known);
        return this;
    }

    private void refuseFieldsBut(Predicate<String> known, String hint) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!known.test(name)) {
                throw error(name, "unknown field '" + name + "'" + hint);
            }
        }
    }

    private static String describe(@Nullable JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
        if (value.isContainerNode()) {
            // never serialized: a caller's tree may be too deep or too large to print
            return type + " of " + value.size() + (value.isArray() ? " elements" : " fields");
        }
        String text = value.toString();
        return type + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
