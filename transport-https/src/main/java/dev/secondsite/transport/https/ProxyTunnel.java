package dev.secondsite.transport.https;

import dev.secondsite.core.registration.ProxySettings;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A relay on loopback that the link's {@link java.net.http.HttpClient} uses as its proxy when the real proxy wants
 * a user and password (R1, T2). Why: the JDK HttpClient sends Basic credentials on a {@code CONNECT} neither from an
 * {@link java.net.Authenticator} nor from a {@code Proxy-Authorization} header while {@code Basic} is listed in
 * {@code jdk.http.auth.tunneling.disabledSchemes} (the JDK's default), and that property is JVM-wide and read once,
 * when the HttpClient implementation is first loaded; changing it would silently re-enable Basic for every other
 * client in the user's process. So the relay takes the client's {@code CONNECT host:port}, opens the connection to
 * the real proxy itself, sends its own {@code CONNECT} with {@code Proxy-Authorization: Basic ...}, and from then on
 * copies bytes both ways: the proxy's answer goes back to the client as it is, and TLS runs end to end between the
 * client and the vault through the tunnel (the vault's certificate is checked against the vault's host name as
 * without a proxy).
 *
 * <p>It tunnels only to the vault's hosts and ports (each configured instance of a vault that runs several): a
 * {@code CONNECT} anywhere else, or any other request, is answered 403 and closed, so that no other process on the machine can borrow the proxy credentials for another destination.
 * The password is written only to the proxy's socket, never logged. Two daemon threads per tunnelled connection (a
 * provider holds about three).
 *
 * <p>Thread-safe.
 */
final class ProxyTunnel implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyTunnel.class);
    private static final int MAX_HEAD = 8192;

    private final ProxySettings proxy;
    /** Where it tunnels to: {@code host:port}, the host in lower case. */
    private final Set<String> targets;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private ProxyTunnel(ProxySettings proxy, Set<String> targets) throws IOException {
        this.proxy = proxy;
        this.targets = targets.stream().map(t -> t.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.listener = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    }

    /**
     * Starts a relay to {@code proxy} for tunnels to {@code targets} ({@code host:port} each).
     *
     * @throws IOException when no loopback port can be bound
     */
    static ProxyTunnel start(ProxySettings proxy, Set<String> targets) throws IOException {
        ProxyTunnel tunnel = new ProxyTunnel(proxy, targets);
        daemon("secondsite-proxy-relay-" + tunnel.listener.getLocalPort(), tunnel::acceptLoop).start();
        return tunnel;
    }

    /** Where the client's proxy selector points. */
    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Proxy relay on {} stopped: {}", address(), e.toString());
                }
                return;
            }
            open.add(client);
            daemon("secondsite-proxy-connect", () -> relay(client)).start();
        }
    }

    private void relay(Socket client) {
        Socket upstream = null;
        try {
            String head = readHead(client.getInputStream());
            String line = head.lines().findFirst().orElse("");
            String[] parts = line.split(" ", -1);
            String target = parts.length == 3 && parts[0].equalsIgnoreCase("CONNECT")
                    ? parts[1].toLowerCase(Locale.ROOT) : "";
            int colon = target.lastIndexOf(':');
            if (!targets.contains(target) || colon <= 0) {
                LOG.warn("Proxy relay refused '{}': it tunnels to {} only", line, targets);
                client.getOutputStream().write("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                return;
            }
            upstream = new Socket();
            open.add(upstream);
            upstream.connect(new InetSocketAddress(proxy.address(), proxy.port()), 10_000);
            upstream.getOutputStream().write(HttpProxyConnectivityCheck.connectRequest(target.substring(0, colon),
                    Integer.parseInt(target.substring(colon + 1)), proxy));
            upstream.getOutputStream().flush();
            Socket up = upstream;
            Thread back = daemon("secondsite-proxy-pump", () -> pump(up, client));
            back.start();
            pump(client, upstream);
            back.join();
        } catch (IOException e) {
            LOG.debug("Proxy relay connection to {}:{} ended: {}", proxy.address(), proxy.port(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(client);
            if (upstream != null) {
                closeQuietly(upstream);
            }
        }
    }

    /** Copies {@code from} to {@code to} until {@code from} ends, then ends {@code to}'s output. */
    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: closing both ends the other pump too
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0 || head.size() >= MAX_HEAD) {
                throw new IOException("no request head");
            }
            head.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : c == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** Stops accepting and cuts every tunnelled connection. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(this::closeQuietly);
    }

    @Override
    public String toString() {
        return "ProxyTunnel[" + address() + " -> " + proxy.address() + ":" + proxy.port() + " -> " + targets + "]";
    }
}
