package dev.secondsite.core.vault;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.BeanPropertyWriter;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdDelegatingSerializer;
import com.fasterxml.jackson.databind.deser.std.StdDelegatingDeserializer;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.databind.util.Converter;
import com.google.common.collect.ImmutableBiMap;
import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.InvalidDocumentException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.job.ConfigChange;
import dev.secondsite.core.job.JobEvent;
import dev.secondsite.core.job.Step;
import dev.secondsite.core.plan.RecoveryPlan;
import dev.secondsite.core.protection.InitialReplication;
import dev.secondsite.core.plan.PlanAction;
import dev.secondsite.core.inventory.Site;
import dev.secondsite.core.registration.ProxySettings;
import dev.secondsite.core.spi.CommandOutput;
import dev.secondsite.core.spi.HostCommand;
import dev.secondsite.core.spi.RecoveryPointChoice;
import dev.secondsite.core.spi.TestNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The journal form of {@link VaultRecord}s and {@link JobEvent}s (J3), bound by Jackson: records map to JSON objects
 * component by component; each sealed hierarchy names its subtypes in a {@code "type"} field (the lists below: adding
 * a record type is one line); values that are not records (a site's inventory, a plan, the configuration, a proxy
 * with its password) go through the small forms of {@link JournalForms}. Mix-ins carry the annotations, so the pure
 * packages, spi and job stay free of Jackson.
 *
 * <p>A payload is one compact UTF-8 object, {@code {"formatVersion":1,...}}. Instants and durations are ISO-8601
 * strings at full precision, enums their constant names, sets sorted, a null value left out; re-encoding a decoded
 * record gives the same bytes. Reading is strict, because a journal that reads back differently from what was written
 * would resume a job wrongly: malformed UTF-8 or JSON, trailing tokens, duplicate keys, an unknown or missing
 * {@code formatVersion} or {@code "type"}, an unknown, missing, null or mistyped field (no scalar coercion) throw
 * {@link InvalidDocumentException} (rule {@code DOCUMENT}) naming the JSON Pointer of the offending node; a value a
 * record's own constructor refuses throws it at the path of the object that holds the value, with that rule.
 *
 * <p>This form holds secrets (the key-signing secret, proxy passwords) because the vault needs them after a restart;
 * it is for the vault's own store only and is never exported or logged.
 *
 * <p>Stateless and thread-safe.
 */
final class JournalCodec {
    static final int FORMAT_VERSION = 1;
    static final String JOB_EVENT = "job.event";

    /** The store's type tag of each journal record. */
    private static final ImmutableBiMap<String, Class<? extends VaultRecord>> RECORDS =
            ImmutableBiMap.<String, Class<? extends VaultRecord>>builder()
                    .put("vault.created", VaultRecord.Created.class)
                    .put("vault.server", VaultRecord.ServerSaved.class)
                    .put("vault.server.removed", VaultRecord.ServerRemoved.class)
                    .put("vault.plan", VaultRecord.PlanSaved.class)
                    .put("vault.plan.removed", VaultRecord.PlanRemoved.class)
                    .put("vault.applied", VaultRecord.Applied.class)
                    .put(JOB_EVENT, VaultRecord.JobRecorded.class)
                    .put("vault.cut", VaultRecord.Cut.class)
                    .put("vault.key.revoked", VaultRecord.KeyRevoked.class)
                    .build();

    /** The {@code "type"} of each subtype of each sealed hierarchy, written out so that a rename cannot change it. */
    private static final Map<Class<?>, Map<String, Class<?>>> SUBTYPES = subtypes(
            JobEvent.class, JobEvent.Created.class, "Created", JobEvent.Started.class, "Started",
            JobEvent.TaskStarted.class, "TaskStarted", JobEvent.CommandSent.class, "CommandSent",
            JobEvent.CommandCompleted.class, "CommandCompleted", JobEvent.StepCompleted.class, "StepCompleted",
            JobEvent.TaskPolling.class, "TaskPolling", JobEvent.TaskWaiting.class, "TaskWaiting",
            JobEvent.TaskResumed.class, "TaskResumed", JobEvent.TaskNoted.class, "TaskNoted",
            JobEvent.TaskSucceeded.class, "TaskSucceeded", JobEvent.TaskSkipped.class, "TaskSkipped",
            JobEvent.TaskFailed.class, "TaskFailed", JobEvent.CancelRequested.class, "CancelRequested",
            JobEvent.Restarted.class, "Restarted", JobEvent.Finished.class, "Finished",
            Step.class, Step.Command.class, "Command", Step.Probe.class, "Probe", Step.WaitUntil.class, "WaitUntil",
            Step.Apply.class, "Apply", Step.Manual.class, "Manual",
            ConfigChange.class, ConfigChange.Pair.class, "Pair", ConfigChange.EditPairing.class, "EditPairing",
            ConfigChange.Unpair.class, "Unpair", ConfigChange.MapNetwork.class, "MapNetwork",
            ConfigChange.UnmapNetwork.class, "UnmapNetwork", ConfigChange.MapStorage.class, "MapStorage",
            ConfigChange.UnmapStorage.class, "UnmapStorage", ConfigChange.Protect.class, "Protect",
            ConfigChange.Onboard.class, "Onboard", ConfigChange.Unprotect.class, "Unprotect",
            ConfigChange.Transition.class, "Transition",
            HostCommand.class, HostCommand.ConfigureReplicaServer.class, "ConfigureReplicaServer",
            HostCommand.EnableReplication.class, "EnableReplication",
            HostCommand.EnableExistingReplica.class, "EnableExistingReplica",
            HostCommand.StartInitialReplication.class, "StartInitialReplication",
            HostCommand.ImportInitialReplication.class, "ImportInitialReplication",
            HostCommand.PrepareFailover.class, "PrepareFailover", HostCommand.Failover.class, "Failover",
            HostCommand.TestFailover.class, "TestFailover", HostCommand.CleanupTestFailover.class,
            "CleanupTestFailover", HostCommand.CancelFailover.class, "CancelFailover",
            HostCommand.CompleteFailover.class, "CompleteFailover", HostCommand.ReverseReplication.class,
            "ReverseReplication", HostCommand.StartVm.class, "StartVm", HostCommand.StopVm.class, "StopVm",
            HostCommand.DisableReplication.class, "DisableReplication", HostCommand.GetReplicationStatus.class,
            "GetReplicationStatus", HostCommand.ListRecoveryPoints.class, "ListRecoveryPoints",
            HostCommand.ConnectNetworkAdapter.class, "ConnectNetworkAdapter", HostCommand.RunScript.class,
            "RunScript",
            HostCommand.InitialReplicationMethod.class, HostCommand.InitialReplicationMethod.OverNetworkNow.class,
            "OverNetworkNow", HostCommand.InitialReplicationMethod.OverNetworkScheduled.class, "OverNetworkScheduled",
            HostCommand.InitialReplicationMethod.Offline.class, "Offline",
            HostCommand.InitialReplicationMethod.UsingExistingReplica.class, "UsingExistingReplica",
            RecoveryPointChoice.class, RecoveryPointChoice.Latest.class, "Latest",
            RecoveryPointChoice.LatestAppConsistent.class, "LatestAppConsistent", RecoveryPointChoice.Chosen.class,
            "Chosen",
            TestNetwork.class, TestNetwork.None.class, "None", TestNetwork.Existing.class, "Existing",
            TestNetwork.Isolated.class, "Isolated",
            CommandOutput.class, CommandOutput.ReplicationStatus.class, "ReplicationStatus",
            CommandOutput.RecoveryPoints.class, "RecoveryPoints", CommandOutput.ScriptOutput.class, "ScriptOutput",
            InitialReplication.class, InitialReplication.OverNetworkNow.class, "OverNetworkNow",
            InitialReplication.OverNetworkScheduled.class, "OverNetworkScheduled", InitialReplication.Offline.class,
            "Offline", InitialReplication.UsingExistingReplica.class, "UsingExistingReplica",
            PlanAction.Details.class, PlanAction.Script.class, "Script", PlanAction.Manual.class, "Manual");

    /**
     * The record components that may be null ({@code @Nullable} in their record; a test checks that the two agree):
     * every other component must be present and not null, when written and when read.
     */
    static final Set<String> NULLABLE = Set.of("JobSpec.planName", "TaskSpec.vmId", "Finding.value",
            "Transition.recoveryPoint", "StartInitialReplication.startAt", "ConnectNetworkAdapter.network",
            "CommandResult.output", "ReplicationStatus.lastReplicationTime", "JobSummary.planName", "HostGroup.parent",
            "HyperVCluster.replicaBroker", "NetworkAdapter.vmNetwork", "Host.cluster", "Vm.observedReplication",
            "ProtectedVm.lastFailover", "ProtectedVm.replicaHost", "RegisteredServer.proxy", "RegisteredServer.credential",
            "ConfigurationForm.revokedKeys",
            "SiteForm.clusterRoleName", "ProxyForm.user", "ProxyForm.password",
            "JobSpec.preconditions", "JobPreconditions.planFingerprint");

    private static final ObjectMapper MAPPER = mapper();
    private static final ObjectWriter WRITER = MAPPER.writer();
    private static final byte[] VERSION_FIELD = ("\"formatVersion\":" + FORMAT_VERSION)
            .getBytes(StandardCharsets.UTF_8);
    /** How every payload {@link #write} writes begins: the version, then the record's first field. */
    private static final byte[] CANONICAL_HEAD = ("{\"formatVersion\":" + FORMAT_VERSION + ",")
            .getBytes(StandardCharsets.UTF_8);
    private static final Map<Class<?>, ObjectReader> READERS = new ConcurrentHashMap<>();

    private JournalCodec() {
    }

    /** The store's type tag of {@code record}; a snapshot has none. */
    static String type(VaultRecord record) {
        String type = RECORDS.inverse().get(record.getClass());
        if (type == null) {
            throw new IllegalArgumentException("not a journal record: " + record.getClass().getName());
        }
        return type;
    }

    /**
     * The payload of {@code record} (of a {@link VaultRecord.Snapshot}: the snapshot's bytes).
     *
     * @throws NullPointerException naming the JSON Pointer of a value that must not be null (a record built without
     *     its checks): such a record could be written but never read back
     */
    static byte[] encode(VaultRecord record) {
        return write(record);
    }

    /** {@link #encode} of a job event: the payload of its {@link VaultRecord.JobRecorded}. */
    static byte[] encodeEvent(JobEvent event) {
        return write(event);
    }

    static String encodeEventText(JobEvent event) {
        return new String(write(event), StandardCharsets.UTF_8);
    }

    /**
     * Reads a record written with tag {@code type}.
     *
     * @throws InvalidDocumentException naming the path and the rule when the payload is damaged or the type unknown
     */
    static VaultRecord decode(String type, byte[] payload) {
        Class<? extends VaultRecord> cls = RECORDS.get(type);
        if (cls == null) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "unknown vault record type '" + type + "'");
        }
        return read(payload, cls);
    }

    /** @throws InvalidDocumentException as {@link #decode} */
    static VaultRecord.Snapshot decodeSnapshot(byte[] payload) {
        return read(payload, VaultRecord.Snapshot.class);
    }

    /** @throws InvalidDocumentException as {@link #decode} */
    static JobEvent decodeEvent(byte[] payload) {
        return read(payload, JobEvent.class);
    }

    /** @throws InvalidDocumentException as {@link #decode} */
    static JobEvent decodeEventText(String payload) {
        return read(payload.getBytes(StandardCharsets.UTF_8), JobEvent.class);
    }

    private static byte[] write(Object value) {
        byte[] body;
        try {
            body = WRITER.writeValueAsBytes(value);
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof NullValue) {
                throw new NullPointerException(pointer(e) + " is null: the record could not be read back");
            }
            throw new IllegalArgumentException("no journal form for " + value.getClass().getName(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("no journal form for " + value.getClass().getName(), e);
        }
        // the envelope: formatVersion first, then the record's own fields
        byte[] out = new byte[body.length + VERSION_FIELD.length + 1];
        out[0] = '{';
        System.arraycopy(VERSION_FIELD, 0, out, 1, VERSION_FIELD.length);
        out[VERSION_FIELD.length + 1] = ',';
        System.arraycopy(body, 1, out, VERSION_FIELD.length + 2, body.length - 1);
        return out;
    }

    private static <T> T read(byte[] payload, Class<T> type) {
        T fast = readCanonical(payload, type);
        return fast != null ? fast : readChecked(payload, type);
    }

    /**
     * The common case, read without building a tree: a payload that starts as {@link #write} writes it (the version
     * first, then a field) is the object of the remaining fields, parsed straight into {@code type} with the same
     * strict mapper. Null when that fails for any reason: {@link #readChecked} then reads it again and names the
     * error exactly as it always did, so the fast path changes no answer, only the time a good record takes.
     */
    private static <T> @Nullable T readCanonical(byte[] payload, Class<T> type) {
        int head = CANONICAL_HEAD.length;
        if (payload.length <= head || !Arrays.equals(payload, 0, head, CANONICAL_HEAD, 0, head)
                || payload[head] != '"') {
            return null;
        }
        // the object without its version: '{' then everything after "formatVersion":1,
        byte[] body = new byte[payload.length - head + 1];
        body[0] = '{';
        System.arraycopy(payload, head, body, 1, payload.length - head);
        try {
            return reader(type).readValue(body);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static <T> ObjectReader reader(Class<T> type) {
        return READERS.computeIfAbsent(type, MAPPER::readerFor);
    }

    private static <T> T readChecked(byte[] payload, Class<T> type) {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(payload);
        } catch (IOException e) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "not one well-formed JSON object: "
                    + firstLine(e));
        }
        if (!(tree instanceof ObjectNode root)) {
            throw new InvalidDocumentException("", Rule.DOCUMENT, "must be one JSON object");
        }
        JsonNode version = root.remove("formatVersion");
        if (version == null || !version.isInt()) {
            throw new InvalidDocumentException("/formatVersion", Rule.DOCUMENT, "'formatVersion' must be the number "
                    + FORMAT_VERSION + ", was " + version);
        }
        if (version.intValue() != FORMAT_VERSION) {
            throw new InvalidDocumentException("/formatVersion", Rule.DOCUMENT, "'formatVersion' " + version
                    + " is not supported; this release reads " + FORMAT_VERSION);
        }
        try {
            return reader(type).readValue(root);
        } catch (IOException e) {
            throw refused(e);
        }
    }

    /** The document error for what Jackson refused, at the JSON Pointer of the offending node. */
    private static InvalidDocumentException refused(IOException e) {
        String path = e instanceof JsonMappingException m ? pointer(m) : "";
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (c instanceof InvalidConfigurationException rule) {
                // a record's own constructor refused a value: the path of the object that holds it, with its rule
                return new InvalidDocumentException(path, rule);
            }
        }
        if (e instanceof InvalidTypeIdException t) {
            Map<String, Class<?>> known = SUBTYPES.getOrDefault(t.getBaseType().getRawClass(), Map.of());
            return new InvalidDocumentException(path + "/type", Rule.DOCUMENT, "'type' must be one of "
                    + known.keySet() + ", was '" + t.getTypeId() + "'");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new InvalidDocumentException(path, Rule.DOCUMENT, "unknown field '" + u.getPropertyName() + "'");
        }
        String message = firstLine(e);
        java.util.regex.Matcher missing = java.util.regex.Pattern.compile("Missing required creator property '([^']+)'")
                .matcher(message);
        if (missing.find()) {
            return new InvalidDocumentException(path, Rule.DOCUMENT, "'" + missing.group(1)
                    + "' is missing");
        }
        return new InvalidDocumentException(path, Rule.DOCUMENT, message);
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static String pointer(JsonMappingException e) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            out.append('/').append(r.getFieldName() != null ? r.getFieldName().replace("~", "~0").replace("/", "~1")
                    : String.valueOf(r.getIndex()));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------- the mapper

    /** Thrown by a writer for a value that must not be null. */
    private static final class NullValue extends RuntimeException {
        NullValue() {
            super("null", null, false, false);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
    private interface Typed {
    }

    /** A job event's record is journaled as the event itself. */
    private abstract static class EventRecord {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        EventRecord(JobEvent event) {
        }

        @JsonValue
        abstract JobEvent event();
    }

    private static boolean nullable(Class<?> owner, String component) {
        return NULLABLE.contains(owner.getSimpleName() + "." + component);
    }

    private static ObjectMapper mapper() {
        SimpleModule forms = new SimpleModule("secondsite-journal");
        // times at full precision in ISO-8601
        form(forms, Instant.class, String.class, JournalCodec::instantText, JournalCodec::parseInstant);
        form(forms, Duration.class, String.class, Duration::toString, Duration::parse);
        form(forms, LocalTime.class, String.class, LocalTime::toString, LocalTime::parse);
        form(forms, Site.class, JournalForms.SiteForm.class, JournalForms.SiteForm::of, JournalForms.SiteForm::site);
        form(forms, RecoveryPlan.class, JournalForms.PlanForm.class, JournalForms.PlanForm::of,
                JournalForms.PlanForm::plan);
        form(forms, ProxySettings.class, JournalForms.ProxyForm.class, JournalForms.ProxyForm::of,
                JournalForms.ProxyForm::proxy);
        form(forms, VaultConfiguration.class, JournalForms.ConfigurationForm.class, JournalForms.ConfigurationForm::of,
                JournalForms.ConfigurationForm::configuration);
        // sets are written sorted: their iteration order is not part of their value
        forms.addSerializer(Set.class, new StdDelegatingSerializer(new Conv<Set<?>, List<?>>(Set.class, List.class,
                set -> set.stream().sorted((Comparator<Object>) (a, b) -> compare(a, b)).toList())));
        forms.setSerializerModifier(new BeanSerializerModifier() {
            @Override
            public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription bean,
                                                             List<BeanPropertyWriter> properties) {
                List<BeanPropertyWriter> out = new ArrayList<>(properties.size());
                for (BeanPropertyWriter p : properties) {
                    out.add(nullable(bean.getBeanClass(), p.getName()) ? p : new Required(p));
                }
                return out;
            }
        });
        JsonMapper.Builder b = JsonMapper.builder()
                .addModule(forms)
                .annotationIntrospector(new Strictness())
                // only record components are the journal form: never a derived isX()/getX() method
                .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                        DeserializationFeature.FAIL_ON_MISSING_EXTERNAL_TYPE_ID_PROPERTY,
                        DeserializationFeature.FAIL_ON_INVALID_SUBTYPE)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT, DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE,
                        DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS, SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS,
                        SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .serializationInclusion(JsonInclude.Include.NON_NULL)
                .defaultSetterInfo(JsonSetter.Value.construct(Nulls.FAIL, Nulls.FAIL))
                .withCoercionConfigDefaults(c -> c.setAcceptBlankAsEmpty(false)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyArray, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.EmptyObject, CoercionAction.Fail));
        // text may only be read from text, times and durations from their ISO-8601 text
        b.withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert));
        b.withCoercionConfig(LogicalType.DateTime, c -> c.setCoercion(CoercionInputShape.String,
                CoercionAction.TryConvert));
        b.withCoercionConfig(LogicalType.Enum, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert));
        b.addMixIn(VaultRecord.JobRecorded.class, EventRecord.class);
        List<NamedType> named = new ArrayList<>();
        SUBTYPES.forEach((base, types) -> {
            b.addMixIn(base, Typed.class);
            types.forEach((name, cls) -> named.add(new NamedType(cls, name)));
        });
        b.registerSubtypes(named.toArray(NamedType[]::new));
        return b.build();
    }

    /**
     * {@link Instant#toString()}, without its formatter for the years 0 to 9999 (a journal writes an instant per event):
     * the seconds always, then 3, 6 or 9 digits of fraction when there is one. A test holds the two equal.
     */
    static String instantText(Instant instant) {
        long seconds = instant.getEpochSecond();
        int nanos = instant.getNano();
        long days = Math.floorDiv(seconds, 86_400);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        if (days < MIN_FAST_DAY || days > MAX_FAST_DAY) {
            return instant.toString();
        }
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
        char[] out = new char[30];
        int n = 0;
        n = digits(out, n, date.getYear(), 4);
        out[n++] = '-';
        n = digits(out, n, date.getMonthValue(), 2);
        out[n++] = '-';
        n = digits(out, n, date.getDayOfMonth(), 2);
        out[n++] = 'T';
        n = digits(out, n, secondOfDay / 3600, 2);
        out[n++] = ':';
        n = digits(out, n, secondOfDay / 60 % 60, 2);
        out[n++] = ':';
        n = digits(out, n, secondOfDay % 60, 2);
        if (nanos != 0) {
            out[n++] = '.';
            if (nanos % 1_000_000 == 0) {
                n = digits(out, n, nanos / 1_000_000, 3);
            } else if (nanos % 1_000 == 0) {
                n = digits(out, n, nanos / 1_000, 6);
            } else {
                n = digits(out, n, nanos, 9);
            }
        }
        out[n++] = 'Z';
        return new String(out, 0, n);
    }

    private static final long MIN_FAST_DAY = java.time.LocalDate.of(0, 1, 1).toEpochDay();
    private static final long MAX_FAST_DAY = java.time.LocalDate.of(9999, 12, 31).toEpochDay();

    private static int digits(char[] out, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            out[i] = (char) ('0' + value % 10);
            value /= 10;
        }
        return at + width;
    }

    /**
     * {@link Instant#parse}, without its formatter for the form {@link #instantText} writes ({@code
     * yyyy-MM-ddTHH:mm:ss}, 1 to 9 digits of fraction, {@code Z}); anything else, a date or time out of range
     * included, goes to {@link Instant#parse}, which takes or refuses it as it always did.
     */
    static Instant parseInstant(String text) {
        int length = text.length();
        if (length >= 20 && length <= 30 && length != 21 && text.charAt(4) == '-' && text.charAt(7) == '-'
                && text.charAt(10) == 'T' && text.charAt(13) == ':' && text.charAt(16) == ':'
                && text.charAt(length - 1) == 'Z' && (length == 20 || text.charAt(19) == '.')) {
            int year = number(text, 0, 4);
            int month = number(text, 5, 7);
            int day = number(text, 8, 10);
            int hour = number(text, 11, 13);
            int minute = number(text, 14, 16);
            int second = number(text, 17, 19);
            int nanos = 0;
            if (length > 20) {
                int fraction = number(text, 20, length - 1);
                nanos = fraction < 0 ? -1 : fraction * POWERS[9 - (length - 21)];
            }
            if ((year | month | day | hour | minute | second | nanos) >= 0 && month >= 1 && month <= 12 && day >= 1
                    && day <= java.time.YearMonth.of(year, month).lengthOfMonth() && hour <= 23 && minute <= 59
                    && second <= 59) {
                long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
                return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600L + minute * 60L + second, nanos);
            }
        }
        return Instant.parse(text);
    }

    private static final int[] POWERS = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000,
        1_000_000_000};

    /** The decimal number of the ASCII digits {@code from} to {@code to}; -1 if any is not a digit. */
    private static int number(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object a, Object b) {
        return ((Comparable) a).compareTo(b);
    }

    private static Map<Class<?>, Map<String, Class<?>>> subtypes(Object... classesAndNames) {
        Map<Class<?>, Map<String, Class<?>>> out = new LinkedHashMap<>();
        Map<String, Class<?>> current = null;
        for (int i = 0; i < classesAndNames.length; i++) {
            Class<?> cls = (Class<?>) classesAndNames[i];
            if (cls.isInterface()) {
                current = new LinkedHashMap<>();
                out.put(cls, current);
            } else {
                current.put((String) classesAndNames[++i], cls);
            }
        }
        return out;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T, F> void form(SimpleModule module, Class<T> type, Class<F> form, Function<T, F> to,
                                    Function<F, T> from) {
        module.addSerializer(type, new StdDelegatingSerializer(new Conv<>(type, form, to)));
        module.addDeserializer(type, new StdDelegatingDeserializer<>(new Conv<>(form, type, from)));
    }

    /** A conversion between a value and its journal form. */
    private record Conv<A, B>(Class<?> in, Class<?> out, Function<A, B> f) implements Converter<A, B> {
        @Override
        public B convert(A value) {
            return f.apply(value);
        }

        @Override
        public JavaType getInputType(TypeFactory types) {
            return types.constructType(in);
        }

        @Override
        public JavaType getOutputType(TypeFactory types) {
            return types.constructType(out);
        }
    }

    /** Writes a component that must not be null, refusing a null (it could never be read back). */
    private static final class Required extends BeanPropertyWriter {
        Required(BeanPropertyWriter base) {
            super(base);
        }

        @Override
        public void serializeAsField(Object bean, JsonGenerator gen, SerializerProvider prov) throws Exception {
            if (get(bean) == null) {
                throw new NullValue();
            }
            super.serializeAsField(bean, gen, prov);
        }
    }

    /** Every component is required and not null, except those {@link #NULLABLE} names. */
    private static final class Strictness extends JacksonAnnotationIntrospector {
        @Override
        public Boolean hasRequiredMarker(AnnotatedMember m) {
            String name = componentName(m);
            if (name == null) {
                Boolean marked = super.hasRequiredMarker(m);
                return marked != null && marked;
            }
            return !nullable(m.getDeclaringClass(), name);
        }

        @Override
        public JsonSetter.Value findSetterInfo(Annotated a) {
            if (a instanceof AnnotatedMember m) {
                String name = componentName(m);
                if (name != null && nullable(m.getDeclaringClass(), name)) {
                    return JsonSetter.Value.construct(Nulls.SET, Nulls.FAIL);
                }
            }
            return super.findSetterInfo(a);
        }

        private static String componentName(AnnotatedMember m) {
            Class<?> owner = m.getDeclaringClass();
            if (!owner.isRecord()) {
                return null;
            }
            if (m instanceof AnnotatedParameter p) {
                var components = owner.getRecordComponents();
                return p.getIndex() < components.length ? components[p.getIndex()].getName() : null;
            }
            return m.getName();
        }
    }
}
