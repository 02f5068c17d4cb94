package dev.secondsite.transport.https;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * A TCP relay on loopback in front of a vault's HTTPS listener that loses one answer: it forwards every byte both
 * ways, except that the first time the listener sends bytes while {@code committed} holds (the vault has journaled
 * the registration, so these bytes are its answer), it closes both sides instead of forwarding them. TLS cannot be
 * read here, so the vault's own state says when the answer is under way. Later connections are relayed whole.
 * Thread-safe; one per test.
 */
final class AnswerCuttingRelay implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final BooleanSupplier committed;
    private final AtomicBoolean armed = new AtomicBoolean(true);
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "answer-cutting-relay");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    AnswerCuttingRelay(InetSocketAddress target, BooleanSupplier committed) throws IOException {
        this.target = target;
        this.committed = committed;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    /** Where providers reach the vault through this relay. */
    URI uri() {
        return URI.create("https://127.0.0.1:" + listener.getLocalPort() + "/");
    }

    /** How many connections were relayed. */
    int connections() {
        return connections.get();
    }

    /** How many answers were lost: 0 or 1. */
    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket server;
            try {
                server = new Socket(target.getAddress(), target.getPort());
            } catch (IOException e) {
                closeQuietly(client); // the vault is down (restarting): the caller sees the connection close
                continue;
            }
            connections.incrementAndGet();
            open.add(client);
            open.add(server);
            threads.execute(() -> pump(client, server, false));
            threads.execute(() -> pump(server, client, true));
        }
    }

    private void pump(Socket from, Socket to, boolean answers) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (answers && committed.getAsBoolean() && armed.compareAndSet(true, false)) {
                    cuts.incrementAndGet();
                    break; // the answer is lost: neither side hears from the other again
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // the other pump closed the pair
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        open.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
