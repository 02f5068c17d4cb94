package dev.secondsite.core.vault;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.Consumer;

/** Test help: a JSON document changed in place, as text. */
final class JournalDocuments {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JournalDocuments() {
    }

    /** {@code document} with {@code change} applied to its tree. */
    static String edit(String document, Consumer<ObjectNode> change) {
        try {
            ObjectNode tree = (ObjectNode) MAPPER.readTree(document);
            change.accept(tree);
            return MAPPER.writeValueAsString(tree);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
