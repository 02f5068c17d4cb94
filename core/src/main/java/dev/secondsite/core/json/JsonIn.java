package dev.secondsite.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
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
     * Parses {@code json} and returns its top-level object.
     *
     * @throws InvalidDocumentException when it is not well-formed JSON or not an object
     */
    static JsonIn parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "not well-formed JSON: "
                    + e.getOriginalMessage() + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "the document must be a JSON object");
        }
        return new JsonIn(root, "");
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

    String path() {
        return path;
    }

    /** The path of {@code field} of this object, for error messages. */
    String pathOf(String field) {
        return path + "/" + field.replace("~", "~0").replace("/", "~1");
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
        String text = text(field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw error(field, "'" + field + "' must be an ISO-8601 instant, was '" + text + "'");
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

    /** The elements of array {@code field} (absent means empty), each read with {@code reader}. */
    <T> List<T> list(String field, Function<JsonIn, T> reader) {
        List<T> out = new ArrayList<>();
        JsonNode value = field(field);
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            throw error(field, "'" + field + "' must be an array, was " + describe(value));
        }
        for (int i = 0; i < value.size(); i++) {
            JsonNode element = value.get(i);
            String at = pathOf(field) + "/" + i;
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
        JsonNode value = field(field);
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            throw error(field, "'" + field + "' must be an array, was " + describe(value));
        }
        value.forEach(out::add);
        return out;
    }

    /** The strings of array {@code field} (absent means empty). */
    List<String> texts(String field) {
        List<String> out = new ArrayList<>();
        JsonNode value = field(field);
        if (value == null) {
            return out;
        }
        if (!value.isArray()) {
            throw error(field, "'" + field + "' must be an array of strings, was " + describe(value));
        }
        for (int i = 0; i < value.size(); i++) {
            if (!value.get(i).isTextual()) {
                throw new InvalidDocumentException(pathOf(field) + "/" + i, Rule.DOCUMENT,
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
        try {
            return build.get();
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
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!read.contains(name)) {
                throw error(name, "unknown field '" + name + "'");
            }
        }
    }

    private static String describe(@Nullable JsonNode value) {
        if (value == null || value.isNull()) {
            return "null";
        }
        String type = value.getNodeType().name().toLowerCase(Locale.ROOT);
        String text = value.toString();
        return type + " " + (text.length() > 40 ? text.substring(0, 40) + "..." : text);
    }
}
