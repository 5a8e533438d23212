package dev.gevent4j.io;

import dev.gevent4j.io.internal.GreenServerSocket;
import dev.gevent4j.io.internal.GreenSocket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * Cooperative TCP sockets without the agent (gevent's {@code gevent.socket}): {@link java.net.Socket} and
 * {@link java.net.ServerSocket} objects whose blocking calls — connect, accept, read, write — wait on the calling
 * greenlet's hub. A kill or {@link dev.gevent4j.Timeout} is raised right at the wait and the socket stays open, with
 * unread data intact (a plain JDK socket read by a greenlet is closed by the interrupt that carries a kill: "Closed by
 * interrupt"). {@code setSoTimeout} gives {@link java.net.SocketTimeoutException} and leaves the socket open. An
 * application {@link Thread#interrupt()} does not end a greenlet's wait on these sockets; it is kept as the
 * interrupt status. Outside a greenlet these sockets block the calling thread as JDK sockets do.
 *
 * <pre>{@code
 * try (ServerSocket ss = Sockets.listen(new InetSocketAddress("127.0.0.1", 0));
 *      Socket c = Sockets.connect(ss.getLocalSocketAddress(), Duration.ofSeconds(1));
 *      Socket s = ss.accept()) {
 *     Timeout.run(Duration.ofMillis(100), () -> s.getInputStream().read());   // Timeout; s stays open
 * }
 * }</pre>
 *
 * <p>Not supported: urgent data, {@code SO_LINGER} above 0, {@code getChannel()} (null),
 * {@code InputStream.available()} (always 0). {@link StreamServer} hands its handlers such sockets.
 */
public final class Sockets {
    private Sockets() {}

    /** Connects to {@code address} (no connect timeout: the OS's). */
    public static Socket connect(SocketAddress address) throws IOException {
        return connect(address, null);
    }

    /**
     * Connects to {@code address}; {@code timeout} (null: none) gives {@link java.net.SocketTimeoutException} and
     * the socket is closed.
     */
    public static Socket connect(SocketAddress address, Duration timeout) throws IOException {
        Objects.requireNonNull(address, "address");
        int millis = 0;
        if (timeout != null) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout is " + timeout + "; it must be positive or null");
            }
            millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        }
        Socket s = new GreenSocket();
        try {
            s.connect(address, millis);
        } catch (IOException | RuntimeException | Error e) {
            try {
                s.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return s;
    }

    /** A new unconnected socket (set options, then {@code connect}). */
    public static Socket socket() throws IOException {
        return new GreenSocket();
    }

    /** Listens on {@code address} with a backlog of 50; {@code accept()} returns such sockets. */
    public static ServerSocket listen(InetSocketAddress address) throws IOException {
        return listen(address, 50);
    }

    /** Listens on {@code address}; {@code accept()} returns such sockets. */
    public static ServerSocket listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocket ss = serverSocket();
        try {
            ss.bind(address, backlog);
        } catch (IOException | RuntimeException e) {
            ss.close();
            throw e;
        }
        return ss;
    }

    /** A new unbound server socket (set options such as {@code SO_REUSEADDR}, then {@code bind}). */
    public static ServerSocket serverSocket() throws IOException {
        return new GreenServerSocket();
    }
}
