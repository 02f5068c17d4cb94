package dev.secondsite.core.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.HostDriver;
import dev.secondsite.core.spi.HostDriverProvider;
import dev.secondsite.core.spi.SiteUnreachableException;
import dev.secondsite.core.testing.CapturingLogs;
import dev.secondsite.core.testing.FakeHostDriver;
import dev.secondsite.core.testing.FakeRequests;
import dev.secondsite.core.testing.FakeScriptRunner;
import dev.secondsite.core.testing.MutableClock;
import dev.secondsite.core.testing.TestSites;
import dev.secondsite.core.transport.local.LocalTransport;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.RegistrationRefusedException;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.vault.Vault;
import dev.secondsite.core.vault.VaultOptions;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderTest {
    private static final String A1 = "hv1-a.contoso.local";
    private static final String SCRIPT = "\\\\vmm-a\\library\\update-dns.ps1";

    private final Site primary = TestSites.primary();
    private final FakeHostDriver driver = FakeHostDriver.forSites(primary);
    private final FakeScriptRunner scripts = new FakeScriptRunner();
    private final FakeRequests requests = FakeRequests.forSites(primary);
    private final List<Provider> providers = new ArrayList<>();
    private final LocalTransport hub = LocalTransport.create();

    @AfterEach
    void tearDown() {
        providers.forEach(Provider::close);
        hub.close();
    }

    private Provider.Builder builder(Supplier<Site> inventory) {
        return Provider.builder("vmm-a.contoso.local", inventory).vaultLink(hub.link());
    }

    private Provider build(Provider.Builder builder) {
        Provider provider = builder.build();
        providers.add(provider);
        return provider;
    }

    private Provider provider() {
        return build(builder(() -> primary).hostDriver(driver).scriptRunner(scripts));
    }

    private static HostCommand stopWeb01() {
        return new HostCommand.StopVm("vm-1", "web-01", false);
    }

    @Test
    @DisplayName("T2 a provider connected to its vault over a local hub runs the vault's commands on its own threads")
    void runsSendsOnItsThreads() throws Exception {
        Provider provider = provider();
        provider.connect();
        AtomicReference<String> thread = new AtomicReference<>();
        driver.beforeExecute(r -> thread.set(Thread.currentThread().getName()));

        CommandResult result = hub.send(requests.on(A1, stopWeb01())).get(10, TimeUnit.SECONDS);

        assertTrue(result.succeeded(), result.message());
        assertTrue(thread.get().startsWith("secondsite-provider-vmm-a-"), thread.get());
        assertTrue(provider.isConnected());
        assertTrue(hub.isConnected("vmm-a"));
        assertEquals("vmm-a", provider.serverId());
    }

    @Test
    @DisplayName("RP3 at most maxConcurrentCommands commands run at once; the others wait in the queue")
    void boundedConcurrency() throws Exception {
        Provider provider = build(builder(() -> primary).hostDriver(driver).maxConcurrentCommands(2));
        provider.connect();
        FakeHostDriver.Hold hold = driver.hold(r -> true);
        List<CompletableFuture<CommandResult>> sends = new ArrayList<>();
        for (String vm : List.of("vm-1", "vm-2", "vm-3")) {
            sends.add(hub.send(requests.on(vm.equals("vm-3") ? "hv2-a.contoso.local" : A1,
                    new HostCommand.GetReplicationStatus(vm, "web-0" + vm.charAt(3)))));
        }

        assertTrue(hold.awaitHeld(2));
        assertEquals(1, provider.queuedCommands());
        assertEquals(2, hold.held());
        hold.release();

        for (CompletableFuture<CommandResult> send : sends) {
            assertTrue(send.get(10, TimeUnit.SECONDS).succeeded());
        }
        assertEquals(2, provider.maxConcurrentCommands());
    }

    @Test
    @DisplayName("RP8 a script goes to the ScriptRunner and a host command to the driver")
    void routesScriptsAndCommands() {
        scripts.succeed(SCRIPT, "ok");
        Provider provider = provider();

        CommandResult script = provider.execute(requests.on("vmm-a.contoso.local",
                new HostCommand.RunScript(SCRIPT, Duration.ofMinutes(10))));
        CommandResult stop = provider.execute(requests.on(A1, stopWeb01()));

        assertTrue(script.succeeded(), script.message());
        assertTrue(stop.succeeded(), stop.message());
        assertEquals(List.of(new FakeScriptRunner.Run(SCRIPT, Duration.ofMinutes(10))), scripts.runs());
        assertEquals(List.of("StopVm"), driver.history().stream().map(FakeHostDriver.Execution::commandName)
                .toList());
    }

    @Test
    @DisplayName("RP8 a script on a provider without a ScriptRunner fails permanently, naming the ScriptRunner")
    void scriptWithoutRunner() {
        Provider provider = build(builder(() -> primary).hostDriver(driver));

        CommandResult result = provider.execute(requests.on(A1, new HostCommand.RunScript(SCRIPT,
                Duration.ofMinutes(1))));

        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("has no ScriptRunner"), result.message());
        assertTrue(driver.history().isEmpty());
    }

    @Test
    @DisplayName("J3 a driver that throws or answers nothing gives a transient failure carrying its message")
    void driverExceptionsAreTransient() {
        HostDriver exploding = r -> {
            throw new IllegalStateException("WinRM session broke");
        };
        HostDriver silent = r -> null;
        Provider first = build(builder(() -> primary).hostDriver(exploding));
        Provider second = build(builder(() -> primary).hostDriver(silent));

        CommandResult thrown = first.execute(requests.on(A1, stopWeb01()));
        CommandResult none = second.execute(requests.on(A1, stopWeb01()));

        assertEquals(CommandResult.transientFailure("StopVm web-01 failed: WinRM session broke"), thrown);
        assertEquals(CommandResult.Outcome.TRANSIENT_FAILURE, none.outcome());
        assertTrue(none.message().contains("returned no result"), none.message());
    }

    @Test
    @DisplayName("T2 a request for another server is refused permanently naming both servers; the driver is not called")
    void refusesAnotherServersRequest() {
        Provider provider = provider();

        CommandResult result = provider.execute(new CommandRequest("k-1", "vmm-b", "hv1-b.contoso.local",
                stopWeb01()));

        assertEquals(CommandResult.Outcome.PERMANENT_FAILURE, result.outcome());
        assertTrue(result.message().contains("server vmm-b") && result.message().contains("serves server vmm-a"),
                result.message());
        assertTrue(driver.history().isEmpty());
    }

    @Test
    @DisplayName("R1 R5 a provider registers its server through VaultEndpoint; neither key nor proxy password is logged")
    void registersWithVault() {
        Vault vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").clock(new MutableClock(Instant.now())).transport(hub).build());
        Secret key = vault.servers().generateRegistrationKey().encoded();
        ProxySettings proxy = ProxySettings.builder("proxy.contoso.local", 3128).user("svc-asr")
                .password(Secret.of("hunter2-proxy")).build();
        CapturingLogs.clear();

        RegistrationResult result = provider().register(key, RegistrationOptions.defaults().withProxy(proxy));

        assertEquals("vmm-a", result.server().serverId());
        assertEquals("vmm-a.contoso.local", result.server().friendlyName());
        assertEquals(Set.of("Gold", "Silver"), result.server().syncedClouds());
        assertEquals(1, vault.servers().list().size());
        assertTrue(result.warnings().cites(Rule.R1), "the proxy was not tested: " + result.warnings());
        String logs = CapturingLogs.allText();
        assertTrue(logs.contains("Registered server vmm-a"), logs);
        assertFalse(logs.contains(key.reveal()), "the registration key was logged");
        assertFalse(logs.contains("hunter2-proxy"), "the proxy password was logged");
    }

    @Test
    @DisplayName("R3 R4 encryption is accepted with a warning; one-by-one sync registers no cloud")
    void registrationOptions() {
        Vault vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").transport(hub).build());

        RegistrationResult result = provider().register(vault.servers().generateRegistrationKey().encoded(),
                RegistrationOptions.defaults().withEncryption(true).withCloudSync(CloudSync.ONE_BY_ONE));

        assertTrue(result.warnings().cites(Rule.R3), result.warnings().toString());
        assertTrue(result.server().syncedClouds().isEmpty());
        assertEquals(CloudSync.ONE_BY_ONE, result.server().cloudSync());
    }

    @Test
    @DisplayName("K1 a key the vault refuses propagates RegistrationRefusedException; nothing is registered")
    void refusedKey() {
        Vault vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").transport(hub).build());
        Provider provider = provider();

        assertThrows(RegistrationRefusedException.class, () -> provider.register(Secret.of("not-a-key"),
                RegistrationOptions.defaults()));
        assertTrue(vault.servers().list().isEmpty());
    }

    @Test
    @DisplayName("R5 a sync reports the inventory as the supplier gives it now")
    void syncReportsFreshInventory() {
        Vault vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").transport(hub).build());
        AtomicReference<Site> inventory = new AtomicReference<>(primary);
        Provider provider = build(builder(inventory::get).hostDriver(driver));
        provider.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
        inventory.set(primary.toBuilder().retainClouds(c -> !c.name().equals("Silver")).build());

        SyncReport report = provider.sync();

        assertEquals(Set.of("Silver"), report.removedClouds());
        assertTrue(vault.servers().inventory("vmm-a").orElseThrow().cloud("Silver").isEmpty());
        inventory.set(TestSites.recovery());
        InvalidConfigurationException moved = assertThrows(InvalidConfigurationException.class,
                () -> provider.sync());
        assertTrue(moved.getMessage().contains("must stay the id of server vmm-a"), moved.getMessage());
    }

    @Test
    @DisplayName("INPUT a provider needs one host driver, a friendly name and 1..MAX_CONCURRENT_COMMANDS slots")
    void builderChecks() {
        InvalidConfigurationException none = assertThrows(InvalidConfigurationException.class,
                () -> builder(() -> primary).build());
        InvalidConfigurationException both = assertThrows(InvalidConfigurationException.class,
                () -> builder(() -> primary).hostDriver(driver).hostDriver("hyperv", Map.of()).build());
        InvalidConfigurationException unnamed = assertThrows(InvalidConfigurationException.class,
                () -> Provider.builder(" ", () -> primary).hostDriver(driver).build());

        assertTrue(none.getMessage().contains("hostDriver (missing)"), none.getMessage());
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        assertEquals(Rule.R1, unnamed.rule());
        assertThrows(InvalidConfigurationException.class, () -> builder(() -> primary).maxConcurrentCommands(0));
        assertThrows(InvalidConfigurationException.class, () -> builder(() -> primary)
                .maxConcurrentCommands(Provider.MAX_CONCURRENT_COMMANDS + 1));
        assertEquals(Provider.MAX_CONCURRENT_COMMANDS, builder(() -> primary).hostDriver(driver)
                .maxConcurrentCommands(Provider.MAX_CONCURRENT_COMMANDS).build().maxConcurrentCommands());
    }

    @Test
    @DisplayName("INPUT a driver name nobody provides is refused naming the name and the drivers found")
    void missingDriverName() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> builder(() -> primary).hostDriver("hyperv", Map.of("hosts", "hv1")).build());

        assertEquals(Rule.INPUT, e.rule());
        assertTrue(e.getMessage().contains("hostDriver ('hyperv') was not found: HostDriverProviders on the class "
                + "path: none"), e.getMessage());
        assertTrue(e.getMessage().contains("dev.secondsite:secondsite-hyperv-driver"), e.getMessage());
    }

    @Test
    @DisplayName("INPUT a driver given by name is made by the HostDriverProvider ServiceLoader finds under that name")
    void driverFoundByName(@TempDir Path dir) throws Exception {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(HostDriverProvider.class.getName()), NamedDriverProvider.class.getName());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
            Thread.currentThread().setContextClassLoader(loader);
            Provider provider = build(builder(() -> primary).hostDriver("named", Map.of("answer", "from settings")));
            InvalidConfigurationException other = assertThrows(InvalidConfigurationException.class,
                    () -> builder(() -> primary).hostDriver("hyperv", Map.of()).build());

            assertEquals(CommandResult.succeeded("from settings"), provider.execute(requests.on(A1, stopWeb01())));
            assertTrue(other.getMessage().contains("on the class path: named"), other.getMessage());
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Found through the services file {@link #driverFoundByName} writes; answers with its "answer" setting. */
    public static final class NamedDriverProvider implements HostDriverProvider {
        @Override
        public String name() {
            return "named";
        }

        @Override
        public HostDriver create(Map<String, String> settings) {
            String answer = settings.get("answer");
            return r -> CommandResult.succeeded(answer);
        }
    }

    @Test
    @DisplayName("T2 close disconnects: pending sends end unreachable, the site is no longer connected, no reconnect")
    void closeDetaches() throws Exception {
        Provider provider = provider();
        provider.connect();
        assertThrows(IllegalStateException.class, () -> provider.connect());
        FakeHostDriver.Hold hold = driver.hold(r -> true);
        CompletableFuture<CommandResult> pending = hub.send(requests.on(A1, stopWeb01()));
        assertTrue(hold.awaitHeld(1));

        provider.close();

        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(10, TimeUnit.SECONDS));
        assertInstanceOf(SiteUnreachableException.class, e.getCause());
        assertFalse(provider.isConnected());
        assertFalse(hub.isConnected("vmm-a"));
        assertThrows(IllegalStateException.class, () -> provider.connect());
        hold.release();
    }

    @Test
    @DisplayName("T2 a provider disconnected and connected again serves the same hub")
    void detachAndReattach() throws Exception {
        Provider provider = provider();
        provider.connect();
        provider.disconnect();
        provider.disconnect();
        assertFalse(hub.isConnected("vmm-a"));

        provider.connect();

        assertSame(CommandResult.Outcome.SUCCEEDED,
                hub.send(requests.on(A1, stopWeb01())).get(10, TimeUnit.SECONDS).outcome());
    }

    @Test
    @DisplayName("T2 a provider given a vault URI finds its link by scheme; a missing plug-in names the module to add")
    void vaultLinkByScheme() {
        InvalidConfigurationException https = assertThrows(InvalidConfigurationException.class,
                () -> Provider.builder("vmm-a", () -> primary).hostDriver(driver)
                        .vault(java.net.URI.create("https://vault.contoso.local:8443/")).build());
        assertEquals(Rule.INPUT, https.rule());
        assertTrue(https.getMessage().contains("no VaultLinkProvider for scheme 'https': add "
                + "dev.secondsite:secondsite-transport-https"), https.getMessage());
        java.net.URI uri = java.net.URI.create("local:provider-test-" + System.nanoTime());
        try (Vault vault = Vault.create(VaultOptions.builder("Contoso DR", "westeurope").transport(uri).build())) {
            Provider provider = build(Provider.builder("vmm-a.contoso.local", () -> primary).hostDriver(driver)
                    .vault(uri));
            provider.register(vault.servers().generateRegistrationKey().encoded(), RegistrationOptions.defaults());
            assertEquals(1, vault.servers().list().size());
        } finally {
            LocalTransport.forUri(uri).close();
        }
    }

    @Test
    @DisplayName("T2 a provider built without a vault refuses to register, sync or connect, naming the builder call")
    void noVault() {
        Provider provider = build(Provider.builder("vmm-a", () -> primary).hostDriver(driver));
        IllegalStateException e = assertThrows(IllegalStateException.class, provider::connect);
        assertTrue(e.getMessage().contains(".vault(uri)"), e.getMessage());
        assertThrows(IllegalStateException.class, provider::sync);
        assertThrows(IllegalStateException.class, () -> provider.register(Secret.of("k"),
                RegistrationOptions.defaults()));
        assertThrows(InvalidConfigurationException.class, () -> Provider.builder("vmm-a", () -> primary)
                .hostDriver(driver).vaultLink(hub.link()).vault(java.net.URI.create("local:x")).build());
    }
}
