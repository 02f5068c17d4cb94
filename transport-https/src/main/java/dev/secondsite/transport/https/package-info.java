/**
 * The {@code https:} transport between a vault and its providers (T1, T2): the vault listens
 * ({@link dev.secondsite.transport.https.HttpsTransport}, the JDK's HttpsServer), providers connect out
 * ({@link dev.secondsite.transport.https.HttpsVaultLink}, the JDK's HttpClient). TLS 1.3 and 1.2 only. Both are found
 * with ServiceLoader for the {@code https} scheme, or wired explicitly.
 *
 * <h2>Certificates</h2>
 * The vault keeps a CA (EC P-256, BouncyCastle) in {@code vault-ca.p12} in the directory given to
 * {@code HttpsTransport.Builder.caDirectory} (usually the vault's store directory), written with permissions 0600:
 * the file's permissions protect it, as for an SSH host key, so its PKCS12 password is a constant and not a secret.
 * Its private key is never logged or exported. The CA signs the client certificate of every registered server and,
 * unless the user gives a keystore ({@code serverKeyStore}), the listener's own certificate.
 *
 * <h2>Protocol, version 1</h2>
 * JSON bodies, each with {@code "version": 1}; paths under {@code /v1/}.
 * <ul>
 *   <li>{@code POST /v1/register} (no client certificate yet): friendly name, registration key, optional proxy
 *       (without its password), encryption, cloud sync, a base64 DER PKCS#10 request and the inventory (the JSON
 *       object of {@code dev.secondsite.core.json.InventoryJson}, as the configuration document holds it). 200: the
 *       server, warnings, a client certificate signed by the vault's CA and the CA certificate to pin. 403
 *       {@code REGISTRATION_REFUSED} with {@code reason} (KEY_EXPIRED, KEY_REVOKED, KEY_FOREIGN, KEY_TAMPERED,
 *       NAME_TAKEN, ...) and {@code rule}. The certificate's SHA-256 is kept with the server (R6). The client
 *       certificate is a function of the CA, the key's text, the friendly name, the server id and the public key
 *       alone (serial from their hash, validity from the key's issue time, RFC 6979 ECDSA), so a registration sent
 *       again after its answer was lost (the link keeps its key pair for the same name and key) presents the
 *       credential the vault holds and is answered as the first was, by any instance sharing the CA; nothing is
 *       registered twice. Another key pair is still refused.</li>
 *   <li>Every other call presents that certificate (mutual TLS) and is mapped to its server on every call: 401
 *       {@code NO_CLIENT_CERTIFICATE}, 403 {@code FOREIGN_CERTIFICATE} (not this vault's CA),
 *       403 {@code UNKNOWN_CERTIFICATE} (no registered server holds it: removed).</li>
 *   <li>{@code POST /v1/sync}: the inventory; 200 the sync report, 422 when the vault refuses it.</li>
 *   <li>{@code GET /v1/commands}: long poll; 200 with the commands queued for the caller's server (each handed out
 *       once; an empty list after the poll wait).</li>
 *   <li>{@code POST /v1/results}: results by idempotency key; 200 always, a result posted twice or for a command no
 *       longer waited for is acknowledged and dropped.</li>
 *   <li>{@code POST /v1/heartbeat}: 200; the vault shows each server's connection state and last heartbeat
 *       ({@code Servers.connection}).</li>
 * </ul>
 * Errors carry {@code {"version":1,"error":CODE,"message":...}}: 400 {@code MALFORMED} or
 * {@code UNSUPPORTED_VERSION}, 404, 405, 408 {@code REQUEST_TIMEOUT} (a body not received within the request
 * timeout: slow clients, slowloris), 413 {@code BODY_TOO_LARGE}, 429 {@code TOO_MANY_CALLS} (calls per client),
 * 503 {@code NO_VAULT}, 503 {@code NOT_ACTIVE} (below). A refused request changes nothing. The number and size of request headers are bounded by the
 * JDK server itself ({@code sun.net.httpserver.maxReqHeaders}, 200 by default, and its header size limit): beyond them
 * it answers 4xx or closes the connection. The time to receive a request's TLS handshake and head is bounded by the
 * transport's request timeout ({@code HttpsLimits.requestTimeout}): the connection is closed (the JDK server's own
 * {@code sun.net.httpserver.maxReqTime} is off by default and JVM-wide, so the transport does not rely on it).
 *
 * <h2>Several vault instances, one active</h2>
 * A highly available vault runs several instances sharing one store; one is active, the others stand by
 * ({@code HttpsTransport.standBy}, until a vault binds the transport again). A standby instance answers every call,
 * on any path and before anything else (no certificate check, no body read), with 503
 * {@code {"version":1,"error":"NOT_ACTIVE","message":"this vault instance stands by; the active instance is
 * https://...","active":"https://..."}}; {@code active} is absent, and the message says that no instance is active
 * now, when it does not know. Long polls waiting when it stands by are answered so at once, and every command
 * queued or waiting for its result completes with {@code SiteUnreachableException} (the new active instance's
 * engine re-sends it with its idempotency key). This is still protocol version 1: {@code active} is an added
 * optional field of the error body; a body without it reads as before, and the providers' side ignores fields it
 * does not know in an error body (never in a request or a 200 answer).
 *
 * <p>A provider's link is given every instance's address ({@code HttpsVaultLink.builder(List)}, or for
 * ServiceLoader {@code https://host-a:8443,host-b:8443/}, comma-separated authorities as in PostgreSQL JDBC URLs)
 * and calls one at a time. On {@code NOT_ACTIVE} it goes to the instance named when that is one of its configured
 * addresses (same scheme, host and port), else to the next in its list; an address from an answer that is not
 * configured is never followed, since the list is what the user trusts to route to. An instance that cannot be
 * reached, or serves no vault yet ({@code NO_VAULT}), sends it to the next. Registration and sync go at most two
 * rounds of the list before failing with {@code NO_ACTIVE_INSTANCE}, naming what each instance answered. The
 * instances share the vault's CA, so the pinned CA and the client certificate work with every one of them: following
 * the active instance never registers again.
 *
 * <h2>Connections per client</h2>
 * {@code HttpsLimits.maxCallsPerClient} bounds the calls one registered server has under way at once (a long poll,
 * a results post, a heartbeat, a sync: 429 {@code TOO_MANY_CALLS} beyond it), counted after its certificate is mapped
 * to the server. It does not bound TCP connections: a provider's link keeps about three (poll, results, heartbeat),
 * and connections that never present a registered certificate (registration, refused calls) are bounded only by the
 * listener's threads and backlog, each for at most the request timeout.
 *
 * <h2>Proxy</h2>
 * A provider's proxy (R1) carries every call, registration included, in a {@code CONNECT} tunnel (T2). With a proxy
 * user, the link runs a relay on loopback that sends the {@code CONNECT} with Basic credentials itself: the JDK's
 * HttpClient drops Basic on tunnels while {@code jdk.http.auth.tunneling.disabledSchemes} lists it (its default), and
 * that JVM-wide setting is left as the user has it. The relay tunnels only to the link's vault (each of its
 * configured instances).
 *
 * <h2>Restarts</h2>
 * Command queues live in memory; the vault's journal is what survives: on reopening, the job engine re-sends the
 * commands that were in flight with their idempotency keys. The provider side remembers the result of each key and
 * never runs a key twice; it polls again with exponential backoff and jitter after an error or a vault restart.
 * A provider process that restarts keeps its identity when its link has an identity file
 * ({@code HttpsVaultLink.Builder.identityFile}): its private key, client certificate and the pinned CA in a 0600
 * PKCS12 file, so it reconnects without registering again; a missing or unreadable file is a
 * {@link dev.secondsite.transport.https.ProviderIdentityException} naming the file.
 * Only metadata crosses (R7).
 */
@ParametersAreNonnullByDefault
package dev.secondsite.transport.https;

import javax.annotation.ParametersAreNonnullByDefault;
