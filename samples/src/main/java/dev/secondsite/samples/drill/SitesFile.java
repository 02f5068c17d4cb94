package dev.secondsite.samples.drill;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.secondsite.core.Secret;
import dev.secondsite.hyperv.CredentialSource;
import dev.secondsite.hyperv.HostCredential;
import dev.secondsite.hyperv.HyperVDriver;
import dev.secondsite.hyperv.PowerShell;
import dev.secondsite.hyperv.ProcessPowerShell;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The real VMM servers and Hyper-V hosts a {@code RealDrill} runs on, read from a JSON file:
 * <pre>{@code
 * {
 *   "primary":  { "siteId": "vmm-a", "vmmServer": "vmm-a.contoso.local", "cloud": "Gold", "vmNetwork": "Corp",
 *                 "storageClassification": "Gold-SSD", "hosts": ["hv01.contoso.local", "hv02.contoso.local"] },
 *   "recovery": { "siteId": "vmm-b", "vmmServer": "vmm-b.contoso.local", "cloud": "GoldDR", "vmNetwork": "CorpDR",
 *                 "storageClassification": "DR-SSD", "hosts": ["hv11.fabrikam.local"] },
 *   "credentials": { "userNameVariable": "DRILL_HYPERV_USER", "passwordVariable": "DRILL_HYPERV_PASSWORD" },
 *   "tiers": { "database": ["<vm id>"], "application": ["<vm id>"], "web": ["<vm id>", "<vm id>"] },
 *   "script": "C:\\DrScripts\\update-dns.ps1",
 *   "useSsl": true
 * }
 * }</pre>
 * The credentials are the names of environment variables, never a user name or password: the password is read from
 * its variable when a command runs and goes to PowerShell on standard input only. A field the format does not know
 * (a {@code "password"}, say) is refused, as is every missing or blank field, an empty list, a VM in two tiers and a
 * variable name that is not one ({@code [A-Za-z_][A-Za-z0-9_]*}). {@code useSsl} (WinRM over HTTPS) is optional,
 * true by default.
 *
 * <p>Immutable and thread-safe.
 *
 * @param topology the sides, tiers and script
 * @param primaryHosts the primary site's Hyper-V hosts
 * @param recoveryHosts the recovery site's Hyper-V hosts
 * @param userNameVariable the environment variable holding the user remote commands run as
 * @param passwordVariable the environment variable holding that user's password
 * @param useSsl WinRM over HTTPS (5986) rather than HTTP (5985)
 */
public record SitesFile(DrillTopology topology, List<String> primaryHosts, List<String> recoveryHosts,
                        String userNameVariable, String passwordVariable, boolean useSsl) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Set<String> TOP = Set.of("primary", "recovery", "credentials", "tiers", "script", "useSsl");
    private static final Set<String> SIDE = Set.of("siteId", "vmmServer", "cloud", "vmNetwork",
            "storageClassification", "hosts");
    private static final Set<String> CREDENTIALS = Set.of("userNameVariable", "passwordVariable");
    private static final Set<String> TIERS = Set.of("database", "application", "web");
    /** The credential reference the drill's drivers resolve through {@link #credentials}. */
    private static final String REFERENCE = "drill-hyperv-hosts";

    public SitesFile {
        primaryHosts = List.copyOf(primaryHosts);
        recoveryHosts = List.copyOf(recoveryHosts);
    }

    /**
     * Reads and validates {@code file}.
     *
     * @throws SitesFileException naming the field (or {@code (file)} when it cannot be read or is not JSON)
     */
    public static SitesFile read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new SitesFileException("(file)", "cannot be read: " + file + " (" + e.getMessage() + ")");
        }
        return parse(text);
    }

    /**
     * Validates the JSON {@code text}.
     *
     * @throws SitesFileException naming the field
     */
    public static SitesFile parse(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SitesFileException("(file)", "is not JSON: " + e.getOriginalMessage());
        }
        object(root, "(root)", TOP);
        DrillTopology.Side primary = side(root, "primary");
        DrillTopology.Side recovery = side(root, "recovery");
        JsonNode credentials = root.get("credentials");
        object(credentials, "credentials", CREDENTIALS);
        String user = variable(credentials, "credentials.userNameVariable");
        String password = variable(credentials, "credentials.passwordVariable");
        JsonNode tiers = root.get("tiers");
        object(tiers, "tiers", TIERS);
        List<String> db = list(tiers.get("database"), "tiers.database");
        List<String> app = list(tiers.get("application"), "tiers.application");
        List<String> web = list(tiers.get("web"), "tiers.web");
        List<String> all = new ArrayList<>(db);
        all.addAll(app);
        all.addAll(web);
        for (String vm : all) {
            if (all.indexOf(vm) != all.lastIndexOf(vm)) {
                throw new SitesFileException("tiers", "names VM '" + vm + "' more than once");
            }
        }
        String script = text(root.get("script"), "script");
        JsonNode ssl = root.get("useSsl");
        if (ssl != null && !ssl.isBoolean()) {
            throw new SitesFileException("useSsl", "(" + ssl + ") must be true or false");
        }
        if (primary.vmmServer().equalsIgnoreCase(recovery.vmmServer())) {
            throw new SitesFileException("recovery.vmmServer", "('" + recovery.vmmServer()
                    + "') must differ from primary.vmmServer");
        }
        return new SitesFile(new DrillTopology(primary, recovery, db, app, web, script),
                list(root.get("primary").get("hosts"), "primary.hosts"),
                list(root.get("recovery").get("hosts"), "recovery.hosts"), user, password,
                ssl == null || ssl.booleanValue());
    }

    /**
     * The hosts a real drill runs on: every PowerShell is a {@link ProcessPowerShell} of {@code executable} on this
     * machine; remote commands run as the user of {@link #userNameVariable} read from {@code environment} when each
     * command runs.
     */
    public DrillHosts hosts(String executable, UnaryOperator<String> environment) {
        PowerShell powerShell = new ProcessPowerShell(executable);
        CredentialSource credentials = credentials(environment);
        return new DrillHosts() {
            @Override
            public DrillTopology topology() {
                return topology;
            }

            @Override
            public PowerShell powerShellOn(String vmmServer) {
                return powerShell;
            }

            @Override
            public HyperVDriver.Builder driver(String vmmServer) {
                return HyperVDriver.builder().powerShell(powerShell).useSsl(useSsl).credential(REFERENCE)
                        .credentialSource(credentials);
            }

            @Override
            public String describe() {
                return String.format("real VMM servers %s (hosts %s) and %s (hosts %s) through %s, WinRM over %s",
                        topology.primary().vmmServer(), primaryHosts, topology.recovery().vmmServer(),
                        recoveryHosts, executable, useSsl ? "HTTPS" : "HTTP");
            }
        };
    }

    /**
     * The credential of the two variables in {@code environment}.
     *
     * @throws SitesFileException naming the field whose variable is unset or blank
     */
    public HostCredential credential(UnaryOperator<String> environment) {
        String user = environment.apply(userNameVariable);
        if (user == null || user.isBlank()) {
            throw new SitesFileException("credentials.userNameVariable", "names environment variable "
                    + userNameVariable + ", which is not set");
        }
        String password = environment.apply(passwordVariable);
        if (password == null || password.isEmpty()) {
            throw new SitesFileException("credentials.passwordVariable", "names environment variable "
                    + passwordVariable + ", which is not set");
        }
        return new HostCredential(user, Secret.of(password));
    }

    private CredentialSource credentials(UnaryOperator<String> environment) {
        return reference -> reference.equals(REFERENCE) ? Optional.of(credential(environment)) : Optional.empty();
    }

    private static DrillTopology.Side side(JsonNode root, String field) {
        JsonNode node = root.get(field);
        object(node, field, SIDE);
        list(node.get("hosts"), field + ".hosts");
        return new DrillTopology.Side(text(node.get("siteId"), field + ".siteId"),
                text(node.get("vmmServer"), field + ".vmmServer"), text(node.get("cloud"), field + ".cloud"),
                text(node.get("vmNetwork"), field + ".vmNetwork"),
                text(node.get("storageClassification"), field + ".storageClassification"));
    }

    private static void object(JsonNode node, String field, Set<String> known) {
        if (node == null || node.isNull()) {
            throw new SitesFileException(field, "is missing");
        }
        if (!node.isObject()) {
            throw new SitesFileException(field, "must be an object");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            String name = it.next().getKey();
            if (!known.contains(name)) {
                String path = field.equals("(root)") ? name : field + "." + name;
                throw new SitesFileException(path, "is not a field of the sites file (known: " + known.stream()
                        .sorted().toList() + "; secrets are never in the file: name their environment variables)");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new SitesFileException(field, "is missing");
        }
        if (!node.isTextual() || node.textValue().isBlank()) {
            throw new SitesFileException(field, "(" + node + ") must be a non-blank string");
        }
        return node.textValue();
    }

    private static String variable(JsonNode node, String field) {
        String name = text(node.get(field.substring(field.indexOf('.') + 1)), field);
        if (!VARIABLE.matcher(name).matches()) {
            // the value is not echoed: a password pasted here by mistake must not reach the console
            throw new SitesFileException(field, "must be an environment variable's name ([A-Za-z_][A-Za-z0-9_]*), "
                    + "never the value itself");
        }
        return name;
    }

    private static List<String> list(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            throw new SitesFileException(field, "is missing");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new SitesFileException(field, "must be a non-empty list of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            out.add(text(node.get(i), field + "[" + i + "]"));
        }
        return out;
    }
}
