package dev.secondsite.core.spi;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.internal.Checks;

/**
 * A {@link HostCommand} addressed to a host of a site, with its idempotency key. The engine gives every command
 * of a job a key that stays the same when the command is sent again (a retry, a resume after a crash); a driver
 * that sees a key it has already carried out must not do it again and returns the first result (J3).
 *
 * <p>Immutable and thread-safe.
 *
 * @param idempotencyKey unique per command of a job, the same on every re-send
 * @param serverId the site whose provider carries it out
 * @param host the Hyper-V host it runs on (the VMM server's name for scripts)
 * @param command what to do
 */
public record CommandRequest(String idempotencyKey, String serverId, String host, HostCommand command) {
    public CommandRequest {
        Checks.text("command", "idempotencyKey", idempotencyKey);
        Checks.text("command " + idempotencyKey, "serverId", serverId);
        Checks.text("command " + idempotencyKey, "host", host);
        requireNonNull(command, "command");
    }

    @Override
    public String toString() {
        return command.describe() + " on " + serverId + "/" + host + " [" + idempotencyKey + "]";
    }
}
