package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.PRIMARY;
import static dev.secondsite.core.protection.ProtectionFixtures.RECOVERY;
import static dev.secondsite.core.protection.ProtectionFixtures.assertRefused;
import static dev.secondsite.core.protection.ProtectionFixtures.citing;
import static dev.secondsite.core.protection.ProtectionFixtures.paired;
import static dev.secondsite.core.protection.ProtectionFixtures.primarySite;
import static dev.secondsite.core.protection.ProtectionFixtures.recoverySite;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.StorageClassification;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Storage mappings (section 5) on a {@link ProtectionConfiguration}. */
class StorageMappingRulesTest {
    private static final StorageMapping GOLD_TO_DR = new StorageMapping(PRIMARY, "Gold-Storage", RECOVERY,
            "DR-Storage");
    private final Map<String, Site> sites = sites();

    @Test
    @DisplayName("S1 storage classifications must exist on both servers")
    void exist() {
        InvalidConfigurationException e = assertRefused(Rule.S1, () -> paired().mapStorage(
                new StorageMapping(PRIMARY, "Nope", RECOVERY, "Nope"), sites));
        assertEquals(List.of("sourceClassification", "targetClassification"),
                citing(e, Rule.S1).stream().map(f -> f.field()).toList());
    }

    @Test
    @DisplayName("S1 classifications must be available to hosts of the paired primary and target clouds")
    void availableToHosts() {
        // Bronze-Storage is on hv-a3 only (cloud Bronze); Copper-Storage on hv-b3 only (cloud Copper)
        InvalidConfigurationException e = assertRefused(Rule.S1, () -> paired().mapStorage(
                new StorageMapping(PRIMARY, "Bronze-Storage", RECOVERY, "Copper-Storage"), sites));
        assertEquals(List.of("sourceClassification", "targetClassification"),
                citing(e, Rule.S1).stream().map(f -> f.field()).toList());
        assertRefused(Rule.S1, () -> ProtectionConfiguration.empty().mapStorage(GOLD_TO_DR, sites));
        ConfigurationChange ok = paired().mapStorage(GOLD_TO_DR, sites);
        assertEquals(Optional.of(GOLD_TO_DR), ok.configuration().storageMapping(PRIMARY, "Gold-Storage"));
    }

    @Test
    @DisplayName("S2 a primary classification maps to one target classification; remap to change it")
    void oneTarget() {
        Site fast = recoverySite().toBuilder()
                .storageClassification(new StorageClassification("DR-Fast", Set.of("hv-b1"))).build();
        Map<String, Site> s = sites(primarySite(), fast);
        ProtectionConfiguration c = paired().mapStorage(GOLD_TO_DR, s).configuration();
        StorageMapping toFast = new StorageMapping(PRIMARY, "Gold-Storage", RECOVERY, "DR-Fast");
        InvalidConfigurationException e = assertRefused(Rule.S2, () -> c.mapStorage(toFast, s));
        assertTrue(e.getMessage().contains("remap it instead"), e.getMessage());
        assertSame(c, c.mapStorage(GOLD_TO_DR, s).configuration());
        assertEquals(List.of(toFast), c.remapStorage(toFast, s).configuration().storageMappings());
        assertRefused(Rule.INPUT, () -> paired().remapStorage(toFast, s));
    }

    @Test
    @DisplayName("S2 without a mapping replica data goes to the host default: unmapping removes it")
    void unmap() {
        ProtectionConfiguration c = paired().mapStorage(GOLD_TO_DR, sites).configuration();
        ProtectionConfiguration unmapped = c.unmapStorage(PRIMARY, "Gold-Storage").configuration();
        assertTrue(unmapped.storageMappings().isEmpty());
        assertEquals(paired(), unmapped);
        assertRefused(Rule.INPUT, () -> unmapped.unmapStorage(PRIMARY, "Gold-Storage"));
        assertRefused(Rule.S2, () -> new StorageMapping(PRIMARY, " ", RECOVERY, "DR-Storage"));
    }
}
