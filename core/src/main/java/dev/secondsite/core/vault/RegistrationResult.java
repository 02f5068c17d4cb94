package dev.secondsite.core.vault;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.ValidationReport;

/**
 * A successful registration: the server as listed, and the warnings it raised (R3 encryption ignored, an untested
 * proxy, prerequisite warnings of the synced inventory).
 *
 * @param server the registered server
 * @param warnings warnings only; a registration with errors is refused instead
 */
public record RegistrationResult(RegisteredServer server, ValidationReport warnings) {
    public RegistrationResult {
        requireNonNull(server, "server");
        requireNonNull(warnings, "warnings");
    }
}
