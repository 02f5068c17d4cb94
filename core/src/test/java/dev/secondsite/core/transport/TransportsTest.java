package dev.secondsite.core.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.internal.ServiceDiscovery;
import dev.secondsite.core.spi.Transport;
import dev.secondsite.core.spi.TransportProvider;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.transport.local.LocalTransportProvider;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TransportsTest {

    @Test
    @DisplayName("T2 ServiceDiscovery finds the local TransportProvider by its scheme")
    void discoveryFindsLocal() {
        List<TransportProvider> local = ServiceDiscovery.all(TransportProvider.class,
                p -> p.scheme().equals("local"));

        assertEquals(1, local.size());
        assertInstanceOf(LocalTransportProvider.class, local.get(0));
    }

    @Test
    @DisplayName("T2 a local: URI gives the same hub the providers attach to, whatever the scheme's case")
    void localUriGivesTheSharedHub() {
        URI uri = URI.create("local:transports-" + System.nanoTime());
        LocalTransport hub = LocalTransport.forUri(uri);

        Transport found = Transports.forUri(uri);
        Transport upper = Transports.forUri(URI.create("LOCAL:" + uri.getSchemeSpecificPart()));

        assertSame(hub, found);
        assertSame(hub, upper);
        hub.close();
    }

    @Test
    @DisplayName("T1 a scheme without a provider names the artifact to add")
    void missingHttpsNamesTheArtifact() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> Transports.forUri(URI.create("https://vault.contoso.local:8443")));

        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains("no TransportProvider for scheme 'https': add "
                + "dev.secondsite:secondsite-transport-https"), e.getMessage());
    }

    @Test
    @DisplayName("INPUT an unknown scheme lists the schemes served; a URI without a scheme is refused")
    void unknownAndMissingSchemes() {
        InvalidConfigurationException unknown = assertThrows(InvalidConfigurationException.class,
                () -> Transports.forUri(URI.create("ftp://vault")));
        InvalidConfigurationException none = assertThrows(InvalidConfigurationException.class,
                () -> Transports.forUri(URI.create("vault.contoso.local")));

        assertTrue(unknown.getMessage().contains("no TransportProvider for scheme 'ftp': schemes served now: "
                + "[local]"), unknown.getMessage());
        assertTrue(none.getMessage().contains("must start with a scheme"), none.getMessage());
    }
}
