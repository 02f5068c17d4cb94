package dev.secondsite.hyperv;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import dev.secondsite.core.Secret;

/**
 * Who a remote command runs as on a Hyper-V host (WinRM): a user name and its password. The password reaches the
 * PowerShell process only on its standard input; {@link #toString()} never shows it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param userName e.g. {@code CONTOSO\svc-secondsite}
 * @param password the password, never shown
 */
public record HostCredential(String userName, Secret password) {
    /** @throws InvalidConfigurationException (INPUT) when {@code userName} is blank */
    public HostCredential {
        if (userName == null || userName.isBlank()) {
            throw InvalidConfigurationException.of(Rule.INPUT, "host credential", "userName", userName,
                    "userName (" + (userName == null ? "missing" : "'" + userName + "'") + ") must not be blank");
        }
        requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "HostCredential[userName=" + userName + ", password=" + password + "]";
    }
}
