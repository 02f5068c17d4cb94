package dev.secondsite.transport.https;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    @DisplayName("T1 a provider built with an https vault URI and no link finds its link by scheme")
    void providerByUri() {
        try (Provider provider = Provider.builder("vmm-a", TestSites::primary)
                .hostDriver(request -> dev.secondsite.core.spi.CommandResult.succeeded("ok"))
                .vault(URI.create("https://vault.contoso.local:8443/")).build()) {
            assertEquals("vmm-a", provider.serverId());
        }
    }
}
