package dev.secondsite.core.spi;

/**
 * Carries out {@link HostCommand}s on the Hyper-V hosts of one site. The Hyper-V module drives real hosts through
 * PowerShell; tests use fakes.
 *
 * <p>Contract:
 * <ul>
 *   <li>Idempotent by {@link CommandRequest#idempotencyKey()}: a key already carried out returns the first result
 *       and changes nothing (a real driver checks the host's state first).</li>
 *   <li>Failures are results, not exceptions: {@link CommandResult#transientFailure} when a retry may succeed,
 *       {@link CommandResult#permanentFailure} otherwise, each with the host's message. An exception thrown anyway
 *       is treated as a transient failure.</li>
 *   <li>Thread-safe: the provider calls it from several threads at once (bounded per site).</li>
 * </ul>
 */
public interface HostDriver {
    /** Carries out {@code request}; blocks until the host answered. */
    CommandResult execute(CommandRequest request);
}
