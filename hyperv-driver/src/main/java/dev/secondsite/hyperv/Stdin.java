package dev.secondsite.hyperv;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The standard input of one run (docs/powershell-subset.md section 1): the call's values as data, in the command
 * block's param order, and where and as whom it runs. Non-ASCII characters are written as {@code \\uXXXX} escapes,
 * so every string (a lone surrogate, NUL, a quote of any kind) reaches ConvertFrom-Json exactly, whatever encoding
 * the pipe uses.
 *
 * <p>Thread-safe (stateless; the factory is shared).
 */
final class Stdin {
    private static final JsonFactory FACTORY = JsonFactory.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();

    private Stdin() {
    }

    /**
     * @param arguments strings, integers, booleans or nulls
     * @param computerName the host the command block runs on, or null for this process
     * @param credential who it runs as there, or null for the caller's identity
     */
    static String of(List<?> arguments, @Nullable String computerName, boolean useSsl,
                     @Nullable HostCredential credential) {
        StringWriter out = new StringWriter(64 + 32 * arguments.size());
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeArrayFieldStart("ArgumentList");
            for (Object argument : arguments) {
                write(g, argument);
            }
            g.writeEndArray();
            if (computerName != null) {
                g.writeStringField("ComputerName", computerName);
                g.writeBooleanField("UseSSL", useSsl);
            }
            if (credential != null) {
                g.writeObjectFieldStart("Credential");
                g.writeStringField("UserName", credential.userName());
                g.writeStringField("Password", credential.password().reveal());
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter failed", e);
        }
        return out.toString();
    }

    /** Standard input carrying named values, for scripts that read {@code $in.<name>} directly. */
    static String ofFields(List<String> names, List<?> values) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            for (int i = 0; i < names.size(); i++) {
                g.writeFieldName(names.get(i));
                write(g, values.get(i));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter failed", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, @Nullable Object value) throws IOException {
        if (value == null) {
            g.writeNull();
        } else if (value instanceof String s) {
            g.writeString(s);
        } else if (value instanceof Integer n) {
            g.writeNumber(n);
        } else if (value instanceof Boolean b) {
            g.writeBoolean(b);
        } else {
            throw new IllegalArgumentException("a script argument is a string, an int or a boolean, not "
                    + value.getClass().getName());
        }
    }
}
