package dev.secondsite.transport.https;

import dev.secondsite.core.InvalidConfigurationException;
import dev.secondsite.core.Rule;
import java.time.Duration;

/**
 * What the vault's HTTPS listener allows one request and one client: body size, time to receive a request, calls
 * under way per client, and how long a command poll waits. A request beyond a limit gets a 4xx with a JSON error
 * body and changes nothing; a request whose TLS handshake and head do not arrive within the request timeout has its
 * connection closed. The number and size of headers are bounded by the JDK's server (see the package documentation).
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxBodyBytes the largest request body accepted (413 beyond it)
 * @param requestTimeout how long receiving a request's head may take (the connection is closed beyond it), and its
 *     body (408 beyond it): slow clients, slowloris
 * @param maxCallsPerClient how many calls one registered server may have under way at once, over any number of
 *     connections (429 beyond it); TCP connections themselves are not counted per client
 * @param pollWait how long a command poll waits for a command before it answers with none
 * @param disconnectAfter how long after it was last heard from a provider counts as disconnected; the commands it
 *     had not answered then complete with {@link dev.secondsite.core.spi.SiteUnreachableException}
 */
public record HttpsLimits(int maxBodyBytes, Duration requestTimeout, int maxCallsPerClient, Duration pollWait,
                          Duration disconnectAfter) {
    /** 16 MiB bodies (a large site's inventory), 10 s per request, 8 calls per client, 20 s polls, 30 s silence. */
    public static final HttpsLimits DEFAULTS = new HttpsLimits(16 << 20, Duration.ofSeconds(10), 8,
            Duration.ofSeconds(20), Duration.ofSeconds(30));

    /**
     * @throws InvalidConfigurationException (INPUT) for a limit that is not positive, or a disconnect time not
     *     longer than the poll wait (a provider waiting in a poll would count as gone)
     */
    public HttpsLimits {
        check("maxBodyBytes", maxBodyBytes > 0, maxBodyBytes);
        check("requestTimeout", requestTimeout != null && !requestTimeout.isNegative() && !requestTimeout.isZero(),
                requestTimeout);
        check("maxCallsPerClient", maxCallsPerClient > 0, maxCallsPerClient);
        check("pollWait", pollWait != null && !pollWait.isNegative() && !pollWait.isZero(), pollWait);
        check("disconnectAfter", disconnectAfter != null && pollWait != null && disconnectAfter.compareTo(pollWait) > 0,
                disconnectAfter);
    }

    private static void check(String field, boolean ok, Object value) {
        if (!ok) {
            throw InvalidConfigurationException.of(Rule.INPUT, "https limits", field, value, field + " (" + value
                    + ") must be positive" + (field.equals("disconnectAfter") ? " and longer than pollWait" : ""));
        }
    }

    public HttpsLimits withMaxBodyBytes(int bytes) {
        return new HttpsLimits(bytes, requestTimeout, maxCallsPerClient, pollWait, disconnectAfter);
    }

    public HttpsLimits withRequestTimeout(Duration timeout) {
        return new HttpsLimits(maxBodyBytes, timeout, maxCallsPerClient, pollWait, disconnectAfter);
    }

    public HttpsLimits withPolling(Duration wait, Duration disconnect) {
        return new HttpsLimits(maxBodyBytes, requestTimeout, maxCallsPerClient, wait, disconnect);
    }

    public HttpsLimits withMaxCallsPerClient(int calls) {
        return new HttpsLimits(maxBodyBytes, requestTimeout, calls, pollWait, disconnectAfter);
    }
}
