package dev.secondsite.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.secondsite.core.InvalidDocumentException;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.plan.PlanContext;
import dev.secondsite.core.plan.PlanGenerators;
import dev.secondsite.core.plan.RecoveryPlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Round trips of both JSON forms over random plans, and imports of randomly damaged documents. */
class PlanJsonPropertiesTest {
    private static final int EXAMPLES = 300;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    @DisplayName("RP10 every plan round trips through Secondsite's JSON form unchanged")
    void ownFormRoundTrips() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans())
                .checkAssert(c -> assertEquals(c.plan(), PlanJson.read(PlanJson.write(c.plan()), c.context())));
    }

    @Test
    @DisplayName("RP10 every plan round trips through the site-recovery form with the dependency extension")
    void siteRecoveryFormRoundTrips() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans())
                .checkAssert(c -> assertEquals(c.plan(), SiteRecoveryPlanJson.read(SiteRecoveryPlanJson.write(
                        c.plan(), SiteRecoveryPlanJson.Dependencies.EXTENSION), c.context())));
    }

    @Test
    @DisplayName("RP10 without the extension, the site-recovery form loses the dependencies and nothing else")
    void siteRecoveryFormDropsOnlyDependencies() {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans())
                .checkAssert(c -> {
                    RecoveryPlan withoutDependencies = c.plan();
                    for (var d : c.plan().dependencies()) {
                        withoutDependencies = withoutDependencies.withoutDependency(d.vm(), d.after());
                    }
                    assertEquals(withoutDependencies, SiteRecoveryPlanJson.read(SiteRecoveryPlanJson.write(
                            c.plan(), SiteRecoveryPlanJson.Dependencies.DROP), c.context()));
                    assertEquals(withoutDependencies, SiteRecoveryPlanJson.read(SiteRecoveryPlanJson.write(
                            withoutDependencies), c.context()));
                });
    }

    @Test
    @DisplayName("DOCUMENT a damaged plan document reads into a plan or is refused at an existing place")
    void damagedOwnForm() {
        damaged(PlanJson::toTree, (doc, context) -> PlanJson.read(doc, context));
    }

    @Test
    @DisplayName("DOCUMENT a damaged site-recovery document reads into a plan or is refused at an existing place")
    void damagedSiteRecoveryForm() {
        damaged(plan -> SiteRecoveryPlanJson.toTree(plan, SiteRecoveryPlanJson.Dependencies.EXTENSION),
                (doc, context) -> SiteRecoveryPlanJson.read(doc, context));
    }

    private static void damaged(Function<RecoveryPlan, ObjectNode> write,
                                BiFunction<JsonNode, PlanContext, RecoveryPlan> read) {
        qt().withExamples(EXAMPLES).forAll(PlanGenerators.plans(), integers().between(1, 3), longs().all())
                .checkAssert((c, damages, seed) -> {
                    ObjectNode document = write.apply(c.plan());
                    Random random = new Random(seed);
                    for (int i = 0; i < damages; i++) {
                        damage(document, random);
                    }
                    try {
                        read.apply(document, c.context());
                    } catch (InvalidDocumentException e) {
                        // the path is the document, or a field or item whose parent exists
                        String path = e.path();
                        assertTrue(path.isEmpty() || !document.at(JsonPointer.compile(path).head()).isMissingNode(),
                                path + " for " + e.getMessage());
                        assertFalse(e.findings().isEmpty());
                    }
                });
    }

    /** Removes, retypes or adds a random node. */
    private static void damage(ObjectNode document, Random random) {
        List<JsonNode> containers = new ArrayList<>();
        collect(document, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        JsonNode replacement = switch (random.nextInt(6)) {
            case 0 -> MAPPER.getNodeFactory().textNode("x");
            case 1 -> MAPPER.getNodeFactory().numberNode(random.nextInt(3));
            case 2 -> MAPPER.getNodeFactory().nullNode();
            case 3 -> MAPPER.createArrayNode();
            case 4 -> MAPPER.createObjectNode();
            default -> null;
        };
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            if (names.isEmpty() || random.nextInt(8) == 0) {
                object.set("extra", replacement == null ? MAPPER.getNodeFactory().booleanNode(true) : replacement);
                return;
            }
            String name = names.get(random.nextInt(names.size()));
            if (replacement == null) {
                object.remove(name);
            } else {
                object.set(name, replacement);
            }
        } else if (container instanceof ArrayNode array) {
            if (array.isEmpty() || replacement == null && random.nextBoolean()) {
                array.add(array.isEmpty() || replacement != null ? replacement : array.get(0).deepCopy());
                return;
            }
            int index = random.nextInt(array.size());
            if (replacement == null) {
                array.add(array.get(index).deepCopy());
            } else {
                array.set(index, replacement);
            }
        }
    }

    private static void collect(JsonNode node, List<JsonNode> containers) {
        if (node.isContainerNode()) {
            containers.add(node);
            if (node.isObject()) {
                node.properties().forEach(field -> collect(field.getValue(), containers));
            } else {
                node.forEach(child -> collect(child, containers));
            }
        }
    }
}
