package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.provider.Provider;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.VaultLink;
import dev.secondsite.core.spi.VaultLinkProvider;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.Transports;
import java.net.URI;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** T1: the https scheme is found with ServiceLoader on the vault's side and on the providers' side. */
class HttpsServiceLoaderTest {
    @Test
    @DisplayName("T1 Transports.forUri finds the https TransportProvider: an HttpsTransport listening on the URI's "
            + "host")
    void vaultSide() {
        Transport transport = Transports.forUri(URI.create("https://127.0.0.1:0/"));
        try {
            HttpsTransport https = assertInstanceOf(HttpsTransport.class, transport);
            assertEquals("127.0.0.1", https.address().getHostString());
            assertTrue(https.address().getPort() > 0);
        } finally {
            transport.close();
        }
    }

    @Test
    @DisplayName("T1 ServiceLoader lists exactly one VaultLinkProvider for https, and it makes an HttpsVaultLink "
            + "for the URI")
    void providerSide() {
        List<VaultLinkProvider> https = ServiceLoader.load(VaultLinkProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.scheme().equals("https")).toList();
        assertEquals(1, https.size(), https.toString());
        VaultLink link = https.get(0).connect(URI.create("https://vault.contoso.local:8443/"));
        HttpsVaultLink httpsLink = assertInstanceOf(HttpsVaultLink.class, link);
        assertEquals("HttpsVaultLink[https://vault.contoso.local:8443/]", httpsLink.toString());
        httpsLink.close();
    }

    @Test
    @DisplayName("T1 issue 13 the https VaultLinkProvider takes several vault instances as comma-separated "
            + "authorities (https://host-a:8443,host-b:8443/) and the link calls the first one first")
    void severalInstances() {
        VaultLinkProvider https = httpsProvider();
        HttpsVaultLink link = assertInstanceOf(HttpsVaultLink.class, https.connect(URI.create(
                "https://vault-a.contoso.local:8443,vault-b.contoso.local:9443,10.0.0.7/")));
        try {
            assertEquals("HttpsVaultLink[https://vault-a.contoso.local:8443/, https://vault-b.contoso.local:9443/, "
                    + "https://10.0.0.7/]", link.toString());
            assertEquals(URI.create("https://vault-a.contoso.local:8443/"), link.currentInstance());
        } finally {
            link.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://vault-a.contoso.local:8443,,vault-b.contoso.local:8443/",
        "https://vault-a.contoso.local:8443,vault-b.contoso.local:port/",
        "https://vault-a.contoso.local:8443,admin@vault-b.contoso.local:8443/",
        "https://vault-a.contoso.local:8443,vault-b.contoso.local:99999/"})
    @DisplayName("INPUT a bad instance among comma-separated authorities is refused with InvalidConfigurationException "
            + "naming the entry")
    void badInstanceRefused(String uri) {
        String entry = URI.create(uri).getRawAuthority().split(",", -1)[1];
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                httpsProvider().connect(URI.create(uri)));
        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
    }

    @Test
    @DisplayName("INPUT two URIs naming the same instance (scheme, host and port, in any case) are refused")
    void duplicateInstanceRefused() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () ->
                HttpsVaultLink.builder(List.of(URI.create("https://Vault-A.contoso.local/"),
                        URI.create("https://vault-a.contoso.local:443/"))).build());
        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
    }

    private static VaultLinkProvider httpsProvider() {
        return ServiceLoader.load(VaultLinkProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.scheme().equals("https")).findFirst().orElseThrow();
    }

    @Test
    @DisplayName("T1 a provider built with an https vault URI and no link finds its link by scheme")
    void providerByUri() {
        try (Provider provider = Provider.builder("vmm-a", TestSites::primary)
                .hostDriver(request -> dev.secondsite.core.spi.CommandResult.succeeded("ok"))
                .vault(URI.create("https://vault.contoso.local:8443/")).build()) {
            assertEquals("vmm-a", provider.serverId());
        }
    }

    @Test
    @DisplayName("T1 issue 13 a provider built with a comma-separated https vault URI and no link finds its link by "
            + "scheme")
    void providerBySeveralInstancesUri() {
        try (Provider provider = Provider.builder("vmm-a", TestSites::primary)
                .hostDriver(request -> dev.secondsite.core.spi.CommandResult.succeeded("ok"))
                .vault(URI.create("https://vault-a.contoso.local:8443,vault-b.contoso.local:8443/")).build()) {
            assertEquals("vmm-a", provider.serverId());
        }
    }
}
