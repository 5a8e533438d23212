package dev.gevent4j.io;

import dev.gevent4j.GreenletExit;
import dev.gevent4j.Hub;
import dev.gevent4j.HubGroup;
import dev.gevent4j.Timeout;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.HubFd;
import dev.gevent4j.io.internal.AcceptBackoff;
import dev.gevent4j.io.internal.HandlerGroup;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A UDP server that runs a handler in its own greenlet for each datagram received (gevent's
 * {@code DatagramServer}).
 *
 * <pre>{@code
 * try (DatagramServer server = new DatagramServer(new InetSocketAddress("127.0.0.1", 0),
 *         (srv, data, peer) -> srv.sendTo(data, peer))) {     // echo
 *     server.start();
 *     server.serveForever();
 * }
 * }</pre>
 *
 * <p>Options (before {@link #start()}): {@link #maxConcurrent} (receiving pauses while that many handlers run),
 * {@link #maxDatagramSize} (longer datagrams are truncated by the OS; default 65,507), {@link #reuseAddress},
 * {@link #reusePort}, {@link #stopTimeout}, {@link #hub} or {@link #hubs}. Receive errors pause receiving (10 ms up
 * to 1 s) and recover.
 *
 * <p>On a {@link HubGroup} ({@link #hubs}) the server binds one socket per hub on the same port (SO_REUSEPORT), each
 * hub receives on its own socket and runs the handlers of what it received; the kernel spreads datagrams over the
 * sockets by the sender's address, so one peer's datagrams all reach the same hub. {@link #sendTo} from a handler
 * sends from the socket of the handler's hub (the same port).
 *
 * <p>Timeout, interrupt and kill: {@link #stop(Duration)} closes the socket, waits up to the grace period for
 * running handlers, then kills them; a greenlet killed in {@link #serveForever()} stops the server first.
 * Thread contract: any thread may start, stop and {@link #sendTo}.
 */
public final class DatagramServer implements AutoCloseable {
    /*
     * The receive loop is a greenlet that waits for the non-blocking channel's readiness on the hub's epoll
     * (internal/HubFd): a gevent4j wait, so a kill or Timeout never closes the channel as the interrupt into a
     * blocking DatagramChannel.receive would. close() of the channel (with its EPOLL_CTL_DEL, on the hub thread)
     * wakes it. The options and states shared with StreamServer live in ServerLifecycle.
     */
    private static final System.Logger LOG = System.getLogger("dev.gevent4j.io");

    private final InetSocketAddress bindAddress;
    private final DatagramHandler handler;
    private int maxConcurrent = 10_000;
    private int maxDatagramSize = 65_507;
    private final ServerLifecycle life;

    private volatile DatagramChannel channel;
    private volatile HubFd hubFd;
    /** Every socket: {@code channel} alone, or one per hub of a group (the first is {@code channel}). */
    private volatile DatagramChannel[] channels = new DatagramChannel[0];
    private volatile HubFd[] hubFds = new HubFd[0];

    /** A server on {@code address} (port 0 picks a free port). */
    public DatagramServer(InetSocketAddress address, DatagramHandler handler) {
        this.bindAddress = Objects.requireNonNull(address, "address");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.life = new ServerLifecycle(this::bind, this::receiveLoop, this::closeChannel,
                () -> "DatagramServer " + bindAddress);
    }

    /** At most {@code n} handlers run at once (default 10,000); receiving pauses while full. */
    public DatagramServer maxConcurrent(int n) {
        life.checkNew();
        maxConcurrent = ServerLifecycle.atLeastOne("maxConcurrent", n);
        return this;
    }

    /** The receive buffer per datagram, 1 to 65,507 bytes (default 65,507). */
    public DatagramServer maxDatagramSize(int n) {
        life.checkNew();
        if (n < 1 || n > 65_507) {
            throw new IllegalArgumentException("maxDatagramSize is " + n + "; it must be from 1 to 65507");
        }
        maxDatagramSize = n;
        return this;
    }

    /** SO_REUSEADDR (default true). */
    public DatagramServer reuseAddress(boolean on) {
        return life.reuseAddress(on, this);
    }

    /** SO_REUSEPORT (default false). */
    public DatagramServer reusePort(boolean on) {
        return life.reusePort(on, this);
    }

    /** The grace period of {@link #close()} (default 1 s). */
    public DatagramServer stopTimeout(Duration grace) {
        return life.stopTimeout(grace, this);
    }

    /** The hub that runs the server (default: the caller's hub at {@link #start()}). */
    public DatagramServer hub(Hub h) {
        return life.hub(h, this);
    }

    /**
     * Serves on every hub of {@code group}: one socket per hub on the same port (SO_REUSEPORT, set by the server).
     * {@link #maxConcurrent} bounds the whole server.
     *
     * @throws IllegalStateException if {@link #hub} was set (one hub or one group, not both)
     */
    public DatagramServer hubs(HubGroup group) {
        return life.group(group, this);
    }

    /**
     * Binds the socket and starts receiving in a greenlet.
     *
     * @throws IOException if the address cannot be bound
     */
    public DatagramServer start() throws IOException {
        life.start(maxConcurrent, null);
        return this;
    }

    private void bind(boolean reuseAddress, boolean reusePort, int count) throws IOException {
        DatagramChannel[] chs = new DatagramChannel[count];
        HubFd[] fds = new HubFd[count];
        try {
            InetSocketAddress at = bindAddress;
            for (int i = 0; i < count; i++) {
                DatagramChannel ch = DatagramChannel.open();
                chs[i] = ch;
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress);
                if (reusePort) {
                    ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                ch.bind(at);
                ch.configureBlocking(false);
                fds[i] = new HubFd(ch);
                if (i == 0) {
                    HubFd.preload();
                    at = new InetSocketAddress(bindAddress.getAddress(),
                            ((InetSocketAddress) ch.getLocalAddress()).getPort()); // port 0: the one picked
                }
            }
        } catch (IOException | RuntimeException e) {
            for (DatagramChannel ch : chs) {
                if (ch != null) {
                    ch.close();
                }
            }
            throw e;
        }
        channels = chs;
        hubFds = fds;
        hubFd = fds[0];
        channel = chs[0];
    }

    /** Starts if needed, and waits until stopped; a kill of the caller stops the server first. */
    public void serveForever() throws IOException {
        life.serveForever(this::start);
    }

    /** The bound address, or null before {@link #start()}. */
    public InetSocketAddress getAddress() {
        DatagramChannel ch = channel;
        try {
            return ch == null ? null : (InetSocketAddress) ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the server is started and not stopped. */
    public boolean isServing() {
        return life.isServing();
    }

    /**
     * Sends a datagram from the server's socket (gevent's {@code sendto}).
     *
     * @throws IllegalStateException if the server is not started
     */
    public void sendTo(byte[] data, InetSocketAddress to) throws IOException {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(to, "to");
        DatagramChannel ch = channel;
        if (ch == null) {
            throw new IllegalStateException("the server is not started");
        }
        HubFd fd = hubFd;
        HubGroup group = life.group();
        if (group != null) {
            int own = group.hubs().indexOf(Hub.current());
            if (own >= 0) {
                ch = channels[own];
                fd = hubFds[own];
            }
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        while (true) {
            int seq = fd.writeSeq();
            if (ch.send(b, to) != 0 || data.length == 0) {
                return;
            }
            fd.awaitWritable(seq, Durations.FOREVER); // the send buffer is full
        }
    }

    /** Closes the socket, waits up to {@code grace} for running handlers, then kills them. Idempotent. */
    public void stop(Duration grace) {
        life.stop(grace);
    }

    private void closeChannel() {
        DatagramChannel[] chs = channels;
        HubFd[] fds = hubFds;
        for (int i = 0; i < chs.length; i++) {
            try {
                fds[i].close(chs[i]);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "error closing {0}: {1}", this, e);
            }
        }
    }

    /** {@link #stop(Duration)} with the stop timeout. */
    @Override
    public void close() {
        stop(life.stopTimeout());
    }

    private void receiveLoop(int index) {
        DatagramChannel ch = channels[index];
        HubFd fd = hubFds[index];
        HandlerGroup handlers = life.handlers();
        AcceptBackoff backoff = new AcceptBackoff("DatagramServer " + bindAddress);
        ByteBuffer buf = ByteBuffer.allocate(maxDatagramSize);
        while (life.isServing()) {
            if (!handlers.awaitRoom()) {
                break;
            }
            SocketAddress from;
            try {
                buf.clear();
                int seq = fd.readSeq();
                from = ch.receive(buf);
                if (from == null) {
                    fd.awaitReadable(seq, Durations.FOREVER);
                    continue;
                }
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (!life.isServing() || !ch.isOpen()) {
                    break;
                }
                backoff.failed(e);
                continue;
            }
            backoff.succeeded();
            if (from == null) {
                continue;
            }
            byte[] data = Arrays.copyOf(buf.array(), buf.position());
            InetSocketAddress peer = (InetSocketAddress) from;
            handlers.spawn(() -> serve(data, peer));
        }
    }

    private void serve(byte[] data, InetSocketAddress peer) {
        try {
            handler.handle(this, data, peer);
        } catch (GreenletExit | Timeout e) {
            throw e;
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.WARNING, "datagram handler failed for a datagram from " + peer, e);
        }
    }

    @Override
    public String toString() {
        InetSocketAddress a = getAddress();
        return "DatagramServer[" + (a != null ? a : bindAddress) + ", "
                + life.stateName() + "]";
    }
}
