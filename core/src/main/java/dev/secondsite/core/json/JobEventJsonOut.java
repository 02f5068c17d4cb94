package dev.secondsite.core.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import javax.annotation.Nullable;

/**
 * A JSON object being written for the journal, the counterpart of {@link JsonIn}: a field that is not nullable must
 * not be null, because the event could be journaled but never read back, and a job that cannot be read back after a
 * crash is lost. Nullable values are left out, which is how {@link JsonIn}'s optional accessors read them.
 *
 * <p>Not thread-safe; one writer per event.
 */
final class JobEventJsonOut {
    private final ObjectNode node;
    private final @Nullable JobEventJsonOut parent;
    private final String name;

    private JobEventJsonOut(ObjectNode node, @Nullable JobEventJsonOut parent, String name) {
        this.node = node;
        this.parent = parent;
        this.name = name;
    }

    static JobEventJsonOut root() {
        return new JobEventJsonOut(JsonIn.MAPPER.createObjectNode(), null, "");
    }

    ObjectNode node() {
        return node;
    }

    JobEventJsonOut text(String field, String value) {
        node.put(field, present(field, value));
        return this;
    }

    JobEventJsonOut optText(String field, @Nullable String value) {
        if (value != null) {
            node.put(field, value);
        }
        return this;
    }

    JobEventJsonOut integer(String field, int value) {
        node.put(field, value);
        return this;
    }

    JobEventJsonOut bool(String field, boolean value) {
        node.put(field, value);
        return this;
    }

    JobEventJsonOut instant(String field, Instant value) {
        node.put(field, present(field, value).toString());
        return this;
    }

    JobEventJsonOut optInstant(String field, @Nullable Instant value) {
        if (value != null) {
            node.put(field, value.toString());
        }
        return this;
    }

    JobEventJsonOut duration(String field, Duration value) {
        node.put(field, present(field, value).toString());
        return this;
    }

    JobEventJsonOut enumValue(String field, Enum<?> value) {
        node.put(field, present(field, value).name());
        return this;
    }

    /** A new object at {@code field}. */
    JobEventJsonOut object(String field) {
        return new JobEventJsonOut(node.putObject(field), this, field);
    }

    /** {@code value} written by {@code writer} as the object at {@code field}. */
    <T> JobEventJsonOut object(String field, T value, BiConsumer<JobEventJsonOut, T> writer) {
        writer.accept(object(field), present(field, value));
        return this;
    }

    /** {@code value} written by {@code writer} as the object at {@code field}, or nothing when it is null. */
    <T> JobEventJsonOut optObject(String field, @Nullable T value, BiConsumer<JobEventJsonOut, T> writer) {
        if (value != null) {
            writer.accept(object(field), value);
        }
        return this;
    }

    /** {@code values}, each written by {@code writer} as an object, as the array at {@code field}. */
    <T> JobEventJsonOut list(String field, List<T> values, BiConsumer<JobEventJsonOut, T> writer) {
        ArrayNode array = node.putArray(field);
        for (int i = 0; i < values.size(); i++) {
            writer.accept(new JobEventJsonOut(array.addObject(), this, field + "/" + i), values.get(i));
        }
        return this;
    }

    private <T> T present(String field, @Nullable T value) {
        if (value == null) {
            throw new NullPointerException(path() + "/" + field + " is null: the event could not be read back");
        }
        return value;
    }

    /** Built only for an error message, so that writing pays nothing for it. */
    private String path() {
        return parent == null ? "" : parent.path() + "/" + name;
    }
}
