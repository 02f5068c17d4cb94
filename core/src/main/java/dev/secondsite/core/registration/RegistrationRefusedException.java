package dev.secondsite.core.registration;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.Rule;
import dev.secondsite.core.SecondsiteException;

/**
 * A server was not registered: its registration key was malformed, expired, revoked, tampered with or issued by
 * another vault (K1), or the server itself does not qualify (P1, R1, R2). Nothing was registered.
 *
 * <p>Immutable and thread-safe.
 */
public class RegistrationRefusedException extends SecondsiteException {
    private static final long serialVersionUID = 1L;

    /** Why a registration was refused. */
    public enum Reason {
        /** The key is not a Secondsite registration key. */
        KEY_MALFORMED,
        /** The key's validity of 5 days has passed. */
        KEY_EXPIRED,
        /** The key was issued by another vault. */
        KEY_FOREIGN,
        /** The key's signature does not match its content. */
        KEY_TAMPERED,
        /** The vault revoked the key before its validity ended. */
        KEY_REVOKED,
        /** The server's VMM version is older than System Center 2012 SP1. */
        SERVER_UNSUPPORTED,
        /** The friendly name or the cluster's provider versions are not acceptable. */
        SERVER_NAME,
        /** A server with this id is already registered with the vault. */
        ALREADY_REGISTERED,
        /** Another registered server is listed under this friendly name (one registration per server name, K1). */
        NAME_TAKEN,
        /** The proxy given could not be reached. */
        PROXY_UNREACHABLE
    }

    private final Rule rule;
    private final Reason reason;

    public RegistrationRefusedException(Rule rule, Reason reason, String message) {
        super(requireNonNull(rule, "rule") + ": registration refused (" + requireNonNull(reason, "reason") + "): "
                + requireNonNull(message, "message"));
        this.rule = rule;
        this.reason = reason;
    }

    public Rule rule() {
        return rule;
    }

    public Reason reason() {
        return reason;
    }
}
