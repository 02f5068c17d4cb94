package dev.secondsite.core.protection;

import static dev.secondsite.core.protection.ProtectionFixtures.BRONZE;
import static dev.secondsite.core.protection.ProtectionFixtures.COPPER;
import static dev.secondsite.core.protection.ProtectionFixtures.GOLD;
import static dev.secondsite.core.protection.ProtectionFixtures.PRIMARY;
import static dev.secondsite.core.protection.ProtectionFixtures.RECOVERY;
import static dev.secondsite.core.protection.ProtectionFixtures.SILVER;
import static dev.secondsite.core.protection.ProtectionFixtures.WEB;
import static dev.secondsite.core.protection.ProtectionFixtures.corpToCorpDr;
import static dev.secondsite.core.protection.ProtectionFixtures.goldToSilver;
import static dev.secondsite.core.protection.ProtectionFixtures.protectedVms;
import static dev.secondsite.core.protection.ProtectionFixtures.sites;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.inventory.Site;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The aggregate itself: equality, order, rebuilding from parts, lookups. */
class ProtectionConfigurationTest {
    private final Map<String, Site> sites = sites();
    private final CloudPairing bronzeToCopper = new CloudPairing(BRONZE, COPPER, ReplicationSettings.defaults());

    private static ProtectionConfiguration rebuilt(ProtectionConfiguration c) {
        return ProtectionConfiguration.of(c.pairings(), c.networkMappings(), c.storageMappings(), c.protectedVms());
    }

    @Test
    @DisplayName("a configuration rebuilt from its parts (as after a JSON round trip) is equal, indexes included")
    void roundTrip() {
        ProtectionConfiguration c = ProtectionFixtures.run(protectedVms(), WEB, ProtectionOperation.TEST_FAILOVER);
        ProtectionConfiguration copy = rebuilt(c);
        assertEquals(c, copy);
        assertEquals(c.hashCode(), copy.hashCode());
        assertEquals(c.pairingUsing(SILVER), copy.pairingUsing(SILVER));
        assertEquals(c.protectedVmsOf(GOLD), copy.protectedVmsOf(GOLD));
        assertEquals(c.targetNetworkFor(PRIMARY, "Corp", RECOVERY), copy.targetNetworkFor(PRIMARY, "Corp", RECOVERY));
        assertEquals(c.validate(sites), copy.validate(sites));
        assertEquals(ProtectionConfiguration.empty(), rebuilt(ProtectionConfiguration.empty()));
    }

    @Test
    @DisplayName("equality is over contents, whatever the order things were added in")
    void equality() {
        ProtectionConfiguration a = ProtectionConfiguration.empty().pair(goldToSilver(), sites).configuration()
                .pair(bronzeToCopper, sites).configuration();
        ProtectionConfiguration b = ProtectionConfiguration.empty().pair(bronzeToCopper, sites).configuration()
                .pair(goldToSilver(), sites).configuration();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.unpair(BRONZE).configuration());
        assertNotEquals(protectedVms(), ProtectionFixtures.run(protectedVms(), WEB,
                ProtectionOperation.TEST_FAILOVER));
    }

    @Test
    @DisplayName("pairings and mappings keep the order they were added in; an edit keeps its place")
    void order() {
        ProtectionConfiguration c = ProtectionConfiguration.empty().pair(bronzeToCopper, sites).configuration()
                .pair(goldToSilver(), sites).configuration();
        assertEquals(List.of(bronzeToCopper, goldToSilver()), c.pairings());
        ReplicationSettings off = ReplicationSettings.builder().compression(false).build();
        ProtectionConfiguration edited = c.editPairing(bronzeToCopper.withSettings(off), sites).configuration();
        assertEquals(List.of(BRONZE, GOLD), edited.pairings().stream().map(CloudPairing::primary).toList());
        ProtectionConfiguration readded = c.unpair(BRONZE).configuration().pair(bronzeToCopper, sites)
                .configuration();
        assertEquals(List.of(GOLD, BRONZE), readded.pairings().stream().map(CloudPairing::primary).toList());
        NetworkMapping lab = new NetworkMapping(PRIMARY, "Lab", RECOVERY, "Corp-DR");
        ProtectionConfiguration mapped = c.mapNetwork(lab, sites).configuration().mapNetwork(corpToCorpDr(), sites)
                .configuration();
        assertEquals(List.of(lab, corpToCorpDr()), mapped.networkMappings());
    }

    @Test
    @DisplayName("C3 rebuilding from parts refuses what breaks a rule, naming every error at once")
    void ofRefuses() {
        ProtectionConfiguration c = protectedVms();
        CloudPairing silverToCopper = new CloudPairing(SILVER, COPPER, ReplicationSettings.defaults());
        ProtectedVm web = c.protectedVm(WEB).orElseThrow();
        ProtectedVm orphan = ProtectedVm.unprotected("vm-x", "x", BRONZE).apply(ProtectionOperation.ENABLE);
        ProtectedVm unprotected = ProtectedVm.unprotected("vm-y", "y", GOLD);
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ProtectionConfiguration.of(List.of(goldToSilver(), silverToCopper),
                        List.of(corpToCorpDr(), new NetworkMapping(PRIMARY, "Corp", RECOVERY, "Isolated")),
                        List.of(new StorageMapping(PRIMARY, "S", RECOVERY, "T"),
                                new StorageMapping(PRIMARY, "S", RECOVERY, "U")),
                        List.of(web, web, orphan, unprotected)));
        assertEquals(List.of(Rule.C3, Rule.N1, Rule.S2, Rule.INPUT, Rule.E1, Rule.E4),
                e.errors().stream().map(Finding::rule).toList());
    }

    @Test
    @DisplayName("C3 lookups: the one pairing a cloud belongs to, and the pairings of a server")
    void lookups() {
        ProtectionConfiguration c = ProtectionConfiguration.empty().pair(goldToSilver(), sites).configuration()
                .pair(bronzeToCopper, sites).configuration();
        assertEquals(goldToSilver(), c.pairingUsing(SILVER).orElseThrow());
        assertEquals(goldToSilver(), c.pairingUsing(GOLD).orElseThrow());
        assertTrue(c.pairing(SILVER).isEmpty(), "Silver is a target, not a primary");
        assertEquals(List.of(goldToSilver(), bronzeToCopper), c.pairingsOnServer(RECOVERY));
        assertEquals(List.of(), c.pairingsOnServer("vmm-x"));
        assertTrue(c.pairingUsing(new dev.secondsite.core.inventory.CloudRef(PRIMARY, "Other")).isEmpty());
        assertEquals(Set.of(), Set.copyOf(c.protectedVms()));
        assertTrue(c.toString().contains("2 pairings"));
    }
}
