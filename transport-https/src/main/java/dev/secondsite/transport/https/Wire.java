package dev.secondsite.transport.https;

import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.secondsite.core.Finding;
import dev.secondsite.core.InvalidDocumentException;
import dev.secondsite.core.ValidationReport;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.json.InventoryJson;
import dev.secondsite.core.registration.CloudSync;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.registration.RegistrationResult;
import dev.secondsite.core.registration.SyncReport;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.CommandRequest;
import dev.secondsite.core.spi.CommandResult;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The protocol's JSON (version {@value #VERSION}): the envelopes of each endpoint, and one Jackson mapper that binds
 * core's records component by component (fields, never getters, so a record's helper methods do not leak) and names
 * each subtype of a sealed hierarchy ({@link HostCommand}, {@link CommandOutput}, ...) by its simple name in a
 * {@code "type"} field. Reading is strict: unknown fields, nulls for primitives and trailing tokens fail.
 *
 * <p>Only metadata is carried (R7): server, cloud, VM and network names and ids, commands and their results.
 */
final class Wire {
    /** The protocol version this module speaks; requests name it in their {@code "version"} field. */
    static final int VERSION = 1;

    static final ObjectMapper MAPPER = mapper();

    private Wire() {
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
    private interface Typed {
    }

    private static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64)
                .maxStringLength(1 << 20).build());
        m.registerModule(new JavaTimeModule());
        m.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        m.disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);
        m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        m.setSerializationInclusion(JsonInclude.Include.NON_NULL);
        m.setVisibility(PropertyAccessor.ALL, Visibility.NONE);
        m.setVisibility(PropertyAccessor.FIELD, Visibility.ANY);
        m.setVisibility(PropertyAccessor.CREATOR, Visibility.ANY);
        for (Class<?> sealed : List.of(HostCommand.class, HostCommand.InitialReplicationMethod.class,
                RecoveryPointChoice.class, TestNetwork.class, CommandOutput.class)) {
            m.addMixIn(sealed, Typed.class);
            for (Class<?> sub : sealed.getPermittedSubclasses()) {
                m.registerSubtypes(new NamedType(sub, sub.getSimpleName()));
            }
        }
        return m;
    }

    static byte[] write(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * @throws MalformedException naming what could not be read
     */
    static <T> T read(byte[] body, Class<T> type) {
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) {
                throw new MalformedException("the body is JSON null, not a " + type.getSimpleName());
            }
            return value;
        } catch (IOException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new MalformedException("the body is not a valid " + type.getSimpleName() + ": " + why);
        } catch (RuntimeException e) {
            // a record's own constructor refused a value
            throw new MalformedException("the body is not a valid " + type.getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A request body that cannot be read; the server answers 400 and changes nothing. */
    static final class MalformedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ envelopes

    /** Every request body: the protocol version first. */
    interface Versioned {
        int version();
    }

    /**
     * A site's inventory as the body carries it: the JSON object of {@link InventoryJson}, the configuration
     * document's own form of it.
     */
    static JsonNode inventory(Site site) {
        try {
            return MAPPER.readTree(InventoryJson.write(site));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the inventory of " + site.id() + ": "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * The inventory a body carries, read as strictly as a configuration document.
     *
     * @throws MalformedException when it is missing or InventoryJson refuses it (naming the path)
     */
    static Site site(@Nullable JsonNode inventory) {
        if (inventory == null || inventory.isNull()) {
            throw new MalformedException("the body has no inventory");
        }
        try {
            return InventoryJson.read(inventory.toString());
        } catch (InvalidDocumentException e) {
            throw new MalformedException("the inventory is not valid: " + e.getMessage());
        }
    }

    /** A proxy as the vault lists it: never its password (R1: the provider keeps it). */
    record ProxyForm(String address, int port, @Nullable String user) {
        static ProxyForm of(ProxySettings p) {
            return new ProxyForm(p.address(), p.port(), p.user().orElse(null));
        }

        ProxySettings proxy() {
            ProxySettings.Builder b = ProxySettings.builder(address, port);
            if (user != null) {
                b.user(user);
            }
            return b.build();
        }
    }

    /** POST /v1/register. The key is the one secret that crosses, once, inside TLS; never logged. */
    record RegisterRequest(int version, String friendlyName, String registrationKey, @Nullable ProxyForm proxy,
                           @Nullable Boolean encryption, CloudSync cloudSync, String csr, JsonNode inventory)
            implements Versioned {
        @Override
        public String toString() {
            return "RegisterRequest[" + friendlyName + ", key ****]";
        }
    }

    record ServerForm(String serverId, String friendlyName, String providerVersion, @Nullable ProxyForm proxy,
                      CloudSync cloudSync, Set<String> syncedClouds) {
        static ServerForm of(RegistrationResult.Server s) {
            return new ServerForm(s.serverId(), s.friendlyName(), s.providerVersion(),
                    s.proxySettings().map(ProxyForm::of).orElse(null), s.cloudSync(), s.syncedClouds());
        }

        RegistrationResult.Server server() {
            return new RegistrationResult.Server(serverId, friendlyName, providerVersion,
                    proxy == null ? null : proxy.proxy(), cloudSync, syncedClouds);
        }
    }

    /** 200 to a registration: the server, the warnings, the client certificate and the CA to pin (base64 DER). */
    record RegisterResponse(int version, ServerForm server, List<Finding> warnings, String clientCertificate,
                            String caCertificate) {
        RegistrationResult result() {
            return new RegistrationResult(server.server(), ValidationReport.of(warnings));
        }
    }

    /** POST /v1/sync. */
    record SyncRequest(int version, JsonNode inventory) implements Versioned {
    }

    record SyncResponse(int version, String serverId, Set<String> addedClouds, Set<String> removedClouds,
                        Set<String> vanishedCloudsInUse, List<Finding> findings) {
        static SyncResponse of(SyncReport r) {
            return new SyncResponse(VERSION, r.serverId(), r.addedClouds(), r.removedClouds(),
                    r.vanishedCloudsInUse(), r.findings().findings());
        }

        SyncReport report() {
            return new SyncReport(serverId, addedClouds, removedClouds, vanishedCloudsInUse,
                    ValidationReport.of(findings));
        }
    }

    /** 200 to GET /v1/commands: the commands for the caller's server (empty after the wait). */
    record CommandsResponse(int version, List<CommandRequest> commands) {
    }

    /** One result: the idempotency key of its command names it. */
    record ResultForm(String idempotencyKey, CommandResult result) {
    }

    /** POST /v1/results. */
    record ResultsRequest(int version, List<ResultForm> results) implements Versioned {
    }

    /** POST /v1/heartbeat. */
    record HeartbeatRequest(int version, String providerVersion) implements Versioned {
    }

    /**
     * Every 4xx/5xx body. {@code active} names the active instance of a vault whose instance stands by (503
     * {@code NOT_ACTIVE}); added to version 1 as an optional field, so a body without it reads as before, and a
     * field this side does not know yet is ignored in an error body (never in a request) so that a later optional
     * addition still reads as the error it is.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record ErrorBody(int version, String error, String message, @Nullable String reason, @Nullable String rule,
                     @Nullable String active) {
    }
}
