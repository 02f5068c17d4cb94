package dev.secondsite.core.protection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.CloudRef;
import dev.secondsite.core.inventory.Site;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** C3 under random sequences of pair and unpair over 1 to 3 servers with 3 clouds each. */
class PairingPropertyTest {
    private static final int CLOUDS_PER_SERVER = 3;

    /** One step: pair cloud {@code a} to cloud {@code b} (kind 0, 1), or unpair {@code a} (kind 2). */
    private record Step(int kind, int a, int b) {
    }

    private static Map<String, Site> sites(int servers) {
        Map<String, Site> sites = new LinkedHashMap<>();
        for (int s = 0; s < servers; s++) {
            Site site = ProtectionFixtures.scaledSite("vmm" + s, CLOUDS_PER_SERVER, 1, 0, 0);
            sites.put(site.id(), site);
        }
        return sites;
    }

    private static List<CloudRef> pool(int servers) {
        List<CloudRef> pool = new ArrayList<>();
        for (int s = 0; s < servers; s++) {
            for (int c = 0; c < CLOUDS_PER_SERVER; c++) {
                pool.add(new CloudRef("vmm" + s, "C" + c));
            }
        }
        return pool;
    }

    @Test
    @DisplayName("C3 random pair/unpair sequences never put a cloud in two pairings; a refused step changes nothing")
    void neverTwoPairings() {
        List<Map<String, Site>> inventories = List.of(sites(1), sites(2), sites(3));
        Gen<Step> steps = integers().between(0, 2).zip(integers().between(0, 8), integers().between(0, 8),
                Step::new);
        qt().withExamples(300).forAll(integers().between(1, 3), lists().of(steps).ofSizeBetween(1, 30))
                .checkAssert((servers, sequence) -> run(inventories.get(servers - 1), pool(servers), sequence));
    }

    private static void run(Map<String, Site> sites, List<CloudRef> pool, List<Step> sequence) {
        ProtectionConfiguration config = ProtectionConfiguration.empty();
        Map<CloudRef, CloudRef> model = new HashMap<>(); // primary -> target, the independent statement of C3
        for (Step step : sequence) {
            CloudRef a = pool.get(step.a() % pool.size());
            CloudRef b = pool.get(step.b() % pool.size());
            ProtectionConfiguration before = config;
            int hashBefore = before.hashCode();
            if (step.kind() < 2) {
                boolean free = !a.equals(b) && !inModel(model, a) && !inModel(model, b);
                try {
                    config = config.pair(new CloudPairing(a, b, ReplicationSettings.defaults()), sites)
                            .configuration();
                    assertTrue(free, "accepted " + a + " -> " + b + " over " + model);
                    model.put(a, b);
                } catch (InvalidConfigurationException e) {
                    assertFalse(free, "refused " + a + " -> " + b + ": " + e.getMessage());
                    assertEquals(Rule.C3, e.rule());
                    assertSame(before, config);
                }
            } else {
                boolean isPrimary = model.containsKey(a);
                try {
                    config = config.unpair(a).configuration();
                    assertTrue(isPrimary);
                    model.remove(a);
                } catch (InvalidConfigurationException e) {
                    assertFalse(isPrimary);
                    assertSame(before, config);
                }
            }
            assertEquals(hashBefore, before.hashCode(), "an old configuration never changes");
            checkInvariant(config, model);
        }
    }

    private static boolean inModel(Map<CloudRef, CloudRef> model, CloudRef cloud) {
        return model.containsKey(cloud) || model.containsValue(cloud);
    }

    private static void checkInvariant(ProtectionConfiguration config, Map<CloudRef, CloudRef> model) {
        Map<CloudRef, Integer> uses = new HashMap<>();
        Map<CloudRef, CloudRef> actual = new HashMap<>();
        for (CloudPairing p : config.pairings()) {
            uses.merge(p.primary(), 1, Integer::sum);
            uses.merge(p.target(), 1, Integer::sum);
            actual.put(p.primary(), p.target());
            assertEquals(p, config.pairingUsing(p.target()).orElseThrow());
        }
        uses.forEach((cloud, n) -> assertEquals(1, n, cloud + " is in " + n + " pairings"));
        assertEquals(model, actual);
    }
}
