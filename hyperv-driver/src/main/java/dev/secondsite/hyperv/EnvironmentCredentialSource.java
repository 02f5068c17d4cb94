package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Secret;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Credentials from environment variables: reference {@code hyperv-hosts} reads
 * {@code SECONDSITE_CREDENTIAL_HYPERV_HOSTS_USERNAME} and {@code SECONDSITE_CREDENTIAL_HYPERV_HOSTS_PASSWORD} (the
 * reference upper-cased, every character other than a letter or digit turned into {@code _}). Both must be set.
 *
 * <p>Immutable and thread-safe.
 */
public final class EnvironmentCredentialSource implements CredentialSource {
    private static final String PREFIX = "SECONDSITE_CREDENTIAL_";

    private final UnaryOperator<String> environment;

    /** A source reading the process's environment. */
    public EnvironmentCredentialSource() {
        this(System::getenv);
    }

    /** A source reading {@code environment} (a variable name to its value, or null), e.g. a map in a test. */
    public EnvironmentCredentialSource(UnaryOperator<String> environment) {
        this.environment = requireNonNull(environment, "environment");
    }

    /** The variable name prefix of {@code reference}, e.g. {@code SECONDSITE_CREDENTIAL_HYPERV_HOSTS_}. */
    public static String variablePrefix(String reference) {
        StringBuilder sb = new StringBuilder(PREFIX);
        for (char c : reference.toUpperCase(Locale.ROOT).toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        return sb.append('_').toString();
    }

    @Override
    public Optional<HostCredential> resolve(String reference) {
        String prefix = variablePrefix(reference);
        String user = environment.apply(prefix + "USERNAME");
        String password = environment.apply(prefix + "PASSWORD");
        if (user == null || user.isBlank() || password == null) {
            return Optional.empty();
        }
        return Optional.of(new HostCredential(user, Secret.of(password)));
    }

    @Override
    public String toString() {
        return "EnvironmentCredentialSource[" + PREFIX + "*]";
    }
}
