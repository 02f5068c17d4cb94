package dev.secondsite.core.json;

import dev.secondsite.core.InvalidDocumentException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.secondsite.core.Secret;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.inventory.VmmVersion;
import com.fasterxml.jackson.databind.JsonNode;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.ProtectionConfiguration;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.vault.RegisteredServer;
import dev.secondsite.core.vault.VaultConfiguration;
import dev.secondsite.core.vault.VaultInfo;
import dev.secondsite.core.vault.VaultState;
import java.io.Reader;
import java.io.Writer;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The vault configuration as a versioned JSON document: the vault, its servers with their inventories, pairings,
 * mappings and protected VMs.
 *
 * <pre>{@code
 * { "kind": "secondsite.vault-configuration", "formatVersion": 1,
 *   "vault": {...}, "servers": [ {..., "inventory": {...}} ], ... }
 * }</pre>
 *
 * <p>Secrets are never exported: a proxy keeps its address, port and user, not its password; registration keys and
 * the vault's signing secret are not part of the configuration at all. After an import, re-enter proxy passwords.
 *
 * <p>Import is all or nothing and strict: unknown fields, wrong types, an unknown {@code formatVersion} and any
 * broken rule throw {@link InvalidDocumentException} naming the JSON path; nothing is returned half-built.
 *
 * <p>Stateless and thread-safe.
 */
public final class ConfigurationJson {
    /** The value of the document's {@code kind} field. */
    public static final String KIND = "secondsite.vault-configuration";
    /** The format version this release writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private ConfigurationJson() {
    }

    /** The configuration as a pretty-printed JSON document, secrets left out. */
    public static String export(VaultConfiguration configuration) {
        try {
            return JsonIn.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(tree(configuration, false));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a JSON tree always serializes", e);
        }
    }

    /**
     * The configuration as a JSON tree. {@code withSecrets} adds proxy passwords: only for the vault's own durable
     * store, never for a document that leaves the vault.
     */
    static ObjectNode tree(VaultConfiguration configuration, boolean withSecrets) {
        ObjectNode root = JsonIn.MAPPER.createObjectNode();
        root.put("kind", KIND).put("formatVersion", FORMAT_VERSION);
        VaultInfo info = configuration.info();
        root.set("vault", writeInfo(info));
        ArrayNode servers = root.putArray("servers");
        for (RegisteredServer s : configuration.servers()) {
            servers.add(writeServer(s, configuration.reportedInventories().get(s.serverId()), withSecrets));
        }
        ProtectionJson.write(configuration.protection(), root);
        ArrayNode plans = root.putArray("plans");
        configuration.plans().forEach(plan -> plans.add(PlanJson.toTree(plan)));
        return root;
    }

    static ObjectNode writeInfo(VaultInfo info) {
        return JsonIn.MAPPER.createObjectNode().put("id", info.id()).put("name", info.name())
                .put("region", info.region()).put("state", info.state().name())
                .put("createdAt", info.createdAt().toString());
    }

    static VaultInfo readInfo(JsonIn v) {
        VaultInfo info = v.build(() -> new VaultInfo(v.text("id"), v.text("name"), v.text("region"),
                v.enumValue("state", VaultState.class), v.instant("createdAt")));
        v.end();
        return info;
    }

    /** A registered server with its reported inventory; {@code withSecrets} keeps its proxy password. */
    static ObjectNode writeServer(RegisteredServer s, Site inventory, boolean withSecrets) {
        ObjectNode o = JsonIn.MAPPER.createObjectNode().put("serverId", s.serverId())
                .put("friendlyName", s.friendlyName()).put("vmmVersion", s.vmmVersion().name())
                .put("providerVersion", s.providerVersion()).put("registeredAt", s.registeredAt().toString())
                .put("keyId", s.keyId()).put("cloudSync", s.cloudSync().name());
        s.proxySettings().ifPresent(p -> {
            ObjectNode proxy = o.putObject("proxy").put("address", p.address()).put("port", p.port());
            SiteJson.putOpt(proxy, "user", p.user().orElse(null));
            if (withSecrets) {
                p.password().ifPresent(pw -> proxy.put("password", pw.reveal()));
            }
        });
        SiteJson.strings(o, "syncedClouds", s.syncedClouds());
        o.put("lastSyncAt", s.lastSyncAt().toString());
        o.set("inventory", SiteJson.write(inventory));
        return o;
    }

    /** A server entry as {@link #writeServer} writes it. */
    record ServerEntry(RegisteredServer server, Site inventory) {
    }

    static ServerEntry readServer(JsonIn s) {
        ProxySettings proxy = null;
        JsonIn p = s.optObject("proxy");
        if (p != null) {
            ProxySettings.Builder pb = ProxySettings.builder(p.text("address"), p.integer("port"));
            String user = p.optText("user");
            if (user != null) {
                pb.user(user);
            }
            String password = p.optText("password");
            if (password != null) {
                pb.password(Secret.of(password));
            }
            proxy = p.build(pb::build);
            p.end();
        }
        ProxySettings proxyValue = proxy;
        RegisteredServer server = s.build(() -> new RegisteredServer(s.text("serverId"), s.text("friendlyName"),
                s.enumValue("vmmVersion", VmmVersion.class), s.text("providerVersion"), s.instant("registeredAt"),
                s.text("keyId"), proxyValue, s.enumValue("cloudSync", CloudSync.class),
                new LinkedHashSet<>(s.texts("syncedClouds")), s.instant("lastSyncAt")));
        JsonIn inv = s.object("inventory");
        Site site = SiteJson.read(inv);
        inv.end();
        return new ServerEntry(server, site);
    }

    /**
     * Reads a configuration document.
     *
     * @throws InvalidDocumentException naming the JSON path when the document is malformed, of another kind or
     *     version, has unknown fields, or describes a configuration that breaks a rule
     */
    public static VaultConfiguration importDocument(String json) {
        return read(JsonIn.parse(json));
    }

    /**
     * {@link #importDocument(String)} from {@code json}, which the caller closes.
     *
     * @throws InvalidDocumentException as that method does, or when it cannot be read
     */
    public static VaultConfiguration importDocument(Reader json) {
        return importDocument(JsonIn.text(json));
    }

    /**
     * {@link #export(VaultConfiguration)} to {@code out}, which the caller closes.
     *
     * @throws java.io.UncheckedIOException when {@code out} fails
     */
    public static void export(VaultConfiguration configuration, Writer out) {
        JsonIn.write(export(configuration), out);
    }

    /** Reads a configuration tree as {@link #tree} writes it (with or without secrets). */
    static VaultConfiguration read(JsonIn root) {
        String kind = root.text("kind");
        if (!kind.equals(KIND)) {
            throw root.error("kind", "'kind' must be '" + KIND + "', was '" + kind + "'");
        }
        int version = root.integer("formatVersion");
        if (version != FORMAT_VERSION) {
            throw root.error("formatVersion", "'formatVersion' " + version + " is not supported; this release reads "
                    + FORMAT_VERSION);
        }
        VaultInfo info = readInfo(root.object("vault"));
        List<RegisteredServer> servers = new ArrayList<>();
        Map<String, Site> inventories = new LinkedHashMap<>();
        root.list("servers", s -> {
            ServerEntry entry = readServer(s);
            RegisteredServer server = entry.server();
            if (inventories.containsKey(server.serverId())) {
                throw s.error("serverId", "server '" + server.serverId() + "' appears more than once");
            }
            servers.add(server);
            inventories.put(server.serverId(), entry.inventory());
            return server;
        });
        ProtectionConfiguration protection = ProtectionJson.read(root);
        VaultConfiguration withoutPlans = root.build(() -> VaultConfiguration.of(info, servers, inventories,
                protection, List.of()));
        List<RecoveryPlan> plans = new ArrayList<>();
        List<JsonNode> planNodes = root.nodes("plans");
        for (int i = 0; i < planNodes.size(); i++) {
            try {
                plans.add(PlanJson.read(planNodes.get(i), withoutPlans.planContext()));
            } catch (InvalidDocumentException e) {
                throw e.relocated("/plans/" + i);
            }
        }
        root.end();
        return root.build(() -> VaultConfiguration.of(info, servers, inventories, protection, plans));
    }

}
