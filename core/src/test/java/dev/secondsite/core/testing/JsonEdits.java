package dev.secondsite.core.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/** Test help for document and journal readers: a JSON document changed in place, as text. */
public final class JsonEdits {
    /** A plain mapper for reading what a writer wrote. */
    public static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonEdits() {
    }

    /** {@code document} with {@code change} applied to its tree. */
    public static String edit(String document, Consumer<ObjectNode> change) {
        try {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(document);
            change.accept(tree);
            return MAPPER.writeValueAsString(tree);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
