package dev.gevent4j.io;

import dev.gevent4j.GreenletExit;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.HubGroup;
import dev.gevent4j.Timeout;
import dev.gevent4j.io.internal.AcceptBackoff;
import dev.gevent4j.io.internal.HandlerGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * A TCP server that runs each connection's handler in its own greenlet (gevent's {@code StreamServer}).
 *
 * <pre>{@code
 * try (StreamServer server = new StreamServer(new InetSocketAddress("127.0.0.1", 0),
 *         (socket, peer) -> socket.getInputStream().transferTo(socket.getOutputStream()))
 *         .maxConnections(1000)
 *         .idleTimeout(Duration.ofSeconds(30))) {
 *     server.start();                       // bound now; port 0 picks a free port
 *     System.out.println(server.getAddress());
 *     server.serveForever();                // until stop()/close() or the caller is killed
 * }
 * }</pre>
 *
 * <p>Options (set before {@link #start()}): {@link #maxConnections} (accepting pauses while that many handlers
 * run), {@link #pool} (handlers run in a {@link dev.gevent4j.pool.Pool}; accepting pauses while it is full), {@link #backlog}, {@link #reuseAddress} (default on), {@link #reusePort}, {@link #idleTimeout} (a read, or
 * the TLS handshake, that waits longer fails with {@link SocketTimeoutException} and the connection is closed),
 * {@link #ssl} (TLS with the given {@link SSLContext}; the handshake runs in the connection's greenlet),
 * {@link #stopTimeout} (the grace period of {@link #close()}), and {@link #hub} (default: the caller's hub) or
 * {@link #hubs} (every hub of a {@link HubGroup}, one listener each).
 *
 * <p>On a hub group the server binds one listening socket per hub, all on the same port with SO_REUSEPORT, and
 * each hub accepts on its own socket and serves what it accepted: the kernel spreads new connections over the
 * listeners, and each connection's greenlet lives on one hub for its whole life.
 *
 * <pre>{@code
 * try (HubGroup group = HubGroup.create();
 *      StreamServer server = new StreamServer(new InetSocketAddress(8080), handler).hubs(group)) {
 *     server.serveForever();                // every core accepts and serves
 * }
 * }</pre>
 *
 * <p>Errors: an exception in a handler closes that connection and is logged (logger {@code dev.gevent4j.io}); a
 * failed TLS handshake or an idle timeout is logged in one line. Accept errors such as EMFILE (too many open files)
 * pause accepting, from 10 ms doubling up to 1 s, then accepting resumes: the server neither spins nor dies.
 *
 * <p>Timeout, interrupt and kill: {@link #stop(Duration)} stops accepting, waits up to the grace period for the
 * handlers, then kills them ({@link GreenletExit} at their blocking point, a socket read or write included). A
 * kill or {@link Timeout} inside a handler is raised at its socket wait and leaves the connection open. A greenlet
 * killed in {@link #serveForever()} stops the server first.
 *
 * <p>Everything runs on the hub's greenlets with {@link Sockets} sockets ({@code java.net.Socket} objects whose
 * waits are on the hub's own epoll), with or without the gevent4j agent. Thread contract: any thread may start and
 * stop a server.
 */
public final class StreamServer implements AutoCloseable {
    /*
     * The accept loop is a greenlet blocked in the accept of a Sockets listener (a gevent4j wait on the hub's
     * epoll, internal/HubFd). Closing the listener wakes it with a SocketException, which is how stop() ends it. The options and states shared with
     * DatagramServer live in ServerLifecycle.
     *
     * On a hub group: one SO_REUSEPORT listener and one accept loop per hub, handlers spawned by each loop on its own
     * hub (HandlerGroup.spawn uses the caller's hub). Chosen over one acceptor handing connections to the other hubs
     * because it needs no cross-hub hand-off per connection (the acceptor's hub would do every accept, and each
     * hand-off is a held outside start on the target hub), the kernel's hash spreads connections evenly
     * (docs/architecture.md, "Hub groups"; prior-art.md "Multiple loops"), and each listener's fd is registered on the
     * epoll of the hub that accepts on it. The cost: the spread ignores load, and a listener closed at stop loses the
     * connections queued on it, as on one hub. Measured against the acceptor (benchmarks/RESULTS.md, workload 11):
     * no difference out of the 2-vCPU machine's noise in throughput or connect latency.
     */
    private static final System.Logger LOG = System.getLogger("dev.gevent4j.io");

    private final InetSocketAddress bindAddress;
    private final StreamHandler handler;
    private int maxConnections = Integer.MAX_VALUE;
    private int backlog = 128;
    private Duration idleTimeout;
    private SSLContext sslContext;
    private dev.gevent4j.pool.Pool pool;
    private final ServerLifecycle life;

    private volatile ServerSocket listener;
    /** Every listening socket: {@code listener} alone, or one per hub of a group ({@code listener} is the first). */
    private volatile ServerSocket[] listeners = new ServerSocket[0];

    /** A server on {@code port} of every local interface (0 picks a free port). */
    public StreamServer(int port, StreamHandler handler) {
        this(new InetSocketAddress(checkPort(port)), handler);
    }

    /** A server on {@code address} (port 0 picks a free port). */
    public StreamServer(InetSocketAddress address, StreamHandler handler) {
        this.bindAddress = Objects.requireNonNull(address, "address");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.life = new ServerLifecycle(this::bind, this::acceptLoop, this::closeListeners,
                () -> "StreamServer " + getAddress());
    }

    private static int checkPort(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port is " + port + "; it must be 0 (any free port) to 65535");
        }
        return port;
    }

    /** At most {@code n} connections are served at once; accepting pauses while full. Default: no limit. */
    public StreamServer maxConnections(int n) {
        life.checkNew();
        maxConnections = ServerLifecycle.atLeastOne("maxConnections", n);
        return this;
    }

    /**
     * Runs the handlers in {@code p} (gevent's {@code spawn=pool}): accepting waits while the pool is full, and
     * {@link #stop} waits for and kills the handlers it started. The pool's other members are not touched.
     */
    public StreamServer pool(dev.gevent4j.pool.Pool p) {
        life.checkNew();
        pool = Objects.requireNonNull(p, "pool");
        return this;
    }

    /** The listen backlog (default 128). */
    public StreamServer backlog(int n) {
        life.checkNew();
        backlog = ServerLifecycle.atLeastOne("backlog", n);
        return this;
    }

    /** SO_REUSEADDR on the listening socket (default true). */
    public StreamServer reuseAddress(boolean on) {
        return life.reuseAddress(on, this);
    }

    /** SO_REUSEPORT on the listening socket (default false), so several servers can share a port. */
    public StreamServer reusePort(boolean on) {
        return life.reusePort(on, this);
    }

    /** Closes a connection whose read waits longer than {@code timeout} (null: never, the default). */
    public StreamServer idleTimeout(Duration timeout) {
        life.checkNew();
        if (timeout != null && (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException("idleTimeout is " + timeout
                    + "; it must be null (no timeout) or from 1 ms to " + Integer.MAX_VALUE + " ms");
        }
        idleTimeout = timeout;
        return this;
    }

    /** Serves TLS: every accepted connection is wrapped by {@code context}'s socket factory in server mode. */
    public StreamServer ssl(SSLContext context) {
        life.checkNew();
        sslContext = Objects.requireNonNull(context, "context");
        return this;
    }

    /** The grace period {@link #close()} gives running handlers before it kills them (default 1 s). */
    public StreamServer stopTimeout(Duration grace) {
        return life.stopTimeout(grace, this);
    }

    /** The hub whose greenlets serve the connections (default: the hub of the caller of {@link #start()}). */
    public StreamServer hub(Hub h) {
        return life.hub(h, this);
    }

    /**
     * Serves on every hub of {@code group}: one listener per hub on the same port (SO_REUSEPORT, set by the server),
     * each accepting and serving on its hub. {@link #maxConnections} and {@link #pool} bound the whole server.
     *
     * @throws IllegalStateException if {@link #hub} was set (one hub or one group, not both)
     */
    public StreamServer hubs(HubGroup group) {
        return life.group(group, this);
    }

    /**
     * Binds the listening socket and starts accepting in a greenlet; returns at once.
     *
     * @throws IOException           if the address cannot be bound (the server stays unstarted)
     * @throws IllegalStateException if the server was already started
     */
    public StreamServer start() throws IOException {
        List<Greenlet<Void>> loops = life.start(maxConnections, pool);
        for (int i = 0; i < loops.size(); i++) {
            loops.get(i).setName("StreamServer-accept-" + listener.getLocalPort() + (loops.size() > 1 ? "-" + i : ""));
        }
        return this;
    }

    private void bind(boolean reuseAddress, boolean reusePort, int count) throws IOException {
        ServerSocket[] ls = new ServerSocket[count];
        try {
            InetSocketAddress at = bindAddress;
            for (int i = 0; i < count; i++) {
                ServerSocket ss = Sockets.serverSocket(); // handlers get sockets whose waits are gevent4j waits
                ls[i] = ss;
                ss.setReuseAddress(reuseAddress);
                if (reusePort) {
                    ss.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                ss.bind(at, backlog);
                if (i == 0) {
                    at = new InetSocketAddress(bindAddress.getAddress(), ss.getLocalPort()); // port 0: the one picked
                }
            }
        } catch (IOException | RuntimeException e) {
            for (ServerSocket ss : ls) {
                closeQuietly(ss);
            }
            throw e;
        }
        listeners = ls;
        listener = ls[0];
    }

    private void closeListeners() {
        for (ServerSocket ss : listeners) {
            closeQuietly(ss);
        }
    }

    /**
     * Starts the server if needed and waits until it is stopped. If the calling greenlet is killed (or a
     * {@link Timeout} raised in it), the server is stopped with its stop timeout first.
     */
    public void serveForever() throws IOException {
        life.serveForever(this::start);
    }

    /** The bound address (with the real port when 0 was asked for), or null before {@link #start()}. */
    public InetSocketAddress getAddress() {
        ServerSocket ss = listener;
        return ss == null ? null : (InetSocketAddress) ss.getLocalSocketAddress();
    }

    /** Whether the server is started and not stopped. */
    public boolean isServing() {
        return life.isServing();
    }

    /** Number of connections being served now. */
    public int connectionCount() {
        HandlerGroup g = life.handlers();
        return g == null ? 0 : g.active();
    }

    /**
     * Stops accepting (closes the listening socket), waits up to {@code grace} for the running handlers to end, then
     * kills those left and waits up to one more second for them to unwind. Idempotent.
     */
    public void stop(Duration grace) {
        life.stop(grace);
    }

    /** {@link #stop(Duration)} with the {@link #stopTimeout stop timeout} (1 s unless set). */
    @Override
    public void close() {
        stop(life.stopTimeout());
    }

    private void acceptLoop(int index) {
        ServerSocket ss = listeners[index];
        HandlerGroup handlers = life.handlers();
        AcceptBackoff backoff = new AcceptBackoff("StreamServer " + ss.getLocalSocketAddress());
        try {
            while (life.isServing()) {
                if (!handlers.awaitRoom()) {
                    break;
                }
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    if (!life.isServing() || ss.isClosed()) {
                        break;
                    }
                    backoff.failed(e);
                    continue;
                }
                try {
                    backoff.succeeded();
                    if (!life.isServing()) {
                        closeQuietly(s);
                        break;
                    }
                    handlers.spawn(() -> serve(s));
                } catch (GreenletExit | Timeout e) {
                    closeQuietly(s);
                    throw e;
                } catch (Throwable e) {
                    // e.g. an Error from a library under fd exhaustion: this connection is lost, the server is not
                    closeQuietly(s);
                    backoff.failed(e);
                }
            }
        } finally {
            closeQuietly(ss);
        }
    }

    private void serve(Socket raw) {
        InetSocketAddress peer = (InetSocketAddress) raw.getRemoteSocketAddress();
        Socket conn = raw;
        try {
            if (idleTimeout != null) {
                raw.setSoTimeout((int) Math.max(1, idleTimeout.toMillis()));
            }
            if (sslContext != null) {
                SSLSocket tls = (SSLSocket) sslContext.getSocketFactory()
                        .createSocket(raw, peer.getHostString(), peer.getPort(), true);
                tls.setUseClientMode(false);
                conn = tls;
                tls.startHandshake();
            }
            handler.handle(conn, peer);
        } catch (GreenletExit | Timeout e) {
            throw e;
        } catch (SocketTimeoutException e) {
            LOG.log(System.Logger.Level.INFO, "closing connection from {0}: idle for more than {1}", peer, idleTimeout);
        } catch (SSLException e) {
            LOG.log(System.Logger.Level.INFO, "closing connection from {0}: TLS failed: {1}", peer, e.getMessage());
        } catch (Throwable e) {
            try {
                if (!life.isServing() && e instanceof SocketException) {
                    LOG.log(System.Logger.Level.DEBUG, "connection from {0} closed by server stop: {1}", peer, e);
                } else if (peerWentAway(e)) {
                    // a client resetting or dropping its connection is normal traffic, not a handler bug
                    LOG.log(System.Logger.Level.DEBUG, "connection from {0} closed by the peer: {1}", peer, e);
                } else {
                    LOG.log(System.Logger.Level.WARNING, "handler failed for connection from " + peer
                            + "; connection closed", e);
                }
            } catch (Throwable logFailure) {
                // logging can fail when the process is out of fds; the connection is closed below regardless
            }
        } finally {
            closeQuietly(conn);
            if (conn != raw) {
                closeQuietly(raw);
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "error closing {0}: {1}", c, e);
        }
    }

    @Override
    public String toString() {
        InetSocketAddress a = getAddress();
        return "StreamServer[" + (a != null ? a : bindAddress) + ", "
                + life.stateName() + "]";
    }

    /** Whether {@code e} says the peer reset or closed the connection (ECONNRESET, EPIPE, EOF mid-message). */
    static boolean peerWentAway(Throwable e) {
        if (e instanceof java.io.EOFException) {
            return true;
        }
        if (e instanceof SocketException) {
            String m = String.valueOf(e.getMessage());
            return m.contains("Connection reset") || m.contains("Broken pipe") || m.contains("connection was aborted");
        }
        return false;
    }
}
