package dev.secondsite.transport.https;

import static java.util.Objects.requireNonNull;

import dev.secondsite.core.registration.ProxyConnectivityCheck;
import dev.secondsite.core.registration.ProxySettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;

/**
 * R1: tests a custom HTTP proxy the way the provider will use it: connects to it and asks it to open a tunnel
 * ({@code CONNECT host:port}) to the vault, with the proxy user and password when given. The proxy answers: any
 * 2xx is success; 407 means it refused the credentials; no answer within the timeout, a refused connection, or
 * anything that is not HTTP is a clear error. The password is sent only to the proxy and never appears in an error.
 *
 * <p>Immutable and thread-safe.
 */
public final class HttpProxyConnectivityCheck implements ProxyConnectivityCheck {
    private final String targetHost;
    private final int targetPort;
    private final Duration timeout;

    /**
     * @param targetHost the vault's host, the tunnel's end
     * @param targetPort the vault's port
     * @param timeout how long to wait for the proxy to connect and to answer
     */
    public HttpProxyConnectivityCheck(String targetHost, int targetPort, Duration timeout) {
        this.targetHost = requireNonNull(targetHost, "targetHost");
        this.targetPort = targetPort;
        this.timeout = requireNonNull(timeout, "timeout");
    }

    @Override
    public Optional<String> check(ProxySettings proxy) {
        String where = proxy.address() + ":" + proxy.port();
        try (Socket socket = new Socket()) {
            int millis = (int) Math.max(1, timeout.toMillis());
            socket.connect(new InetSocketAddress(proxy.address(), proxy.port()), millis);
            socket.setSoTimeout(millis);
            byte[] request = connectRequest(targetHost, targetPort, proxy);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            String status = statusLine(socket.getInputStream());
            if (!status.startsWith("HTTP/1.")) {
                return Optional.of("the proxy at " + where + " did not answer as an HTTP proxy");
            }
            String[] parts = status.split(" ", 3);
            int code = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            if (code == 407) {
                return Optional.of("the proxy at " + where + " refused the proxy user '" + proxy.user().orElse("")
                        + "' and password (407 Proxy Authentication Required)");
            }
            if (code / 100 != 2) {
                return Optional.of("the proxy at " + where + " would not open a tunnel to " + targetHost + ":"
                        + targetPort + " (" + code + ")");
            }
            return Optional.empty();
        } catch (java.net.SocketTimeoutException e) {
            return Optional.of("the proxy at " + where + " did not answer within " + timeout.toMillis() + " ms");
        } catch (IOException | NumberFormatException e) {
            return Optional.of("the proxy at " + where + " cannot be reached: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"));
        }
    }

    /**
     * The head of a {@code CONNECT host:port} request, with Basic credentials when the proxy has a user: the one
     * place the proxy password is written, for the check and for {@link ProxyTunnel}.
     */
    static byte[] connectRequest(String host, int port, ProxySettings proxy) {
        StringBuilder request = new StringBuilder("CONNECT ").append(host).append(':').append(port)
                .append(" HTTP/1.1\r\nHost: ").append(host).append(':').append(port).append("\r\n");
        if (proxy.user().isPresent()) {
            String pair = proxy.user().get() + ":" + proxy.password().map(s -> s.reveal()).orElse("");
            request.append("Proxy-Authorization: Basic ")
                    .append(Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                    .append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && line.length() < 1024) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return "HttpProxyConnectivityCheck[tunnel to " + targetHost + ":" + targetPort + "]";
    }
}
