package dev.gevent4j.io.internal;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.HubFd;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.SocketOptions;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A {@link SocketImpl} over a non-blocking {@link SocketChannel} (or {@link ServerSocketChannel}) whose waits are
 * gevent4j waits on the greenlet's hub ({@link HubFd}): a kill or Timeout is raised at the wait and the socket stays
 * open with its unread data; {@code SO_TIMEOUT} gives {@link SocketTimeoutException} and the socket stays open.
 * Outside a greenlet the waits are the JDK's (a Selector). An interrupt does not end a wait of a greenlet (it is kept
 * as the interrupt status), and never closes the socket.
 */
public final class GreenSocketImpl extends SocketImpl {
    private SocketChannel ch;
    private ServerSocketChannel server;
    private HubFd hubFd;
    private volatile int soTimeoutMillis;
    private InetSocketAddress bindTo;
    private final Map<SocketOption<Object>, Object> pending = new LinkedHashMap<>();
    private InputStream in;
    private OutputStream out;
    private volatile boolean closed;

    public GreenSocketImpl() {}

    /** An impl for an already connected channel (made non-blocking here). */
    GreenSocketImpl(SocketChannel connected) throws IOException {
        attach(connected);
    }

    private void attach(SocketChannel c) throws IOException {
        c.configureBlocking(false);
        ch = c;
        hubFd = new HubFd(c);
        InetSocketAddress remote = (InetSocketAddress) c.getRemoteAddress();
        if (remote != null) {
            address = remote.getAddress();
            port = remote.getPort();
        }
        InetSocketAddress local = (InetSocketAddress) c.getLocalAddress();
        if (local != null) {
            localport = local.getPort();
        }
    }

    /** The readiness state of the fd (tests). */
    public HubFd hubFd() {
        return hubFd;
    }

    private static long timeoutNanos(int millis) {
        return millis == 0 ? Durations.FOREVER : millis * 1_000_000L;
    }

    @Override
    protected void create(boolean stream) throws IOException {
        if (!stream) {
            throw new SocketException("gevent4j sockets are stream sockets");
        }
    }

    @Override
    protected void connect(String host, int port) throws IOException {
        connect(new InetSocketAddress(host, port), 0);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
        connect(new InetSocketAddress(address, port), 0);
    }

    @Override
    protected void connect(SocketAddress remote, int timeoutMillis) throws IOException {
        if (ch != null && ch.isConnected()) {
            return; // an accepted channel, wrapped by GreenSockets.accepted
        }
        SocketChannel c = ch != null ? ch : SocketChannel.open();
        try {
            if (ch == null) {
                c.configureBlocking(false);
                applyPending(c);
                if (bindTo != null) {
                    c.bind(bindTo);
                }
                ch = c;
                hubFd = new HubFd(c);
            }
            long deadline = timeoutMillis == 0 ? 0 : System.nanoTime() + timeoutMillis * 1_000_000L;
            // a connect cut short by a kill or Timeout is still pending: a new connect() waits for it
            if (!c.isConnectionPending() && !c.connect(remote)) {
                while (true) {
                    int seq = hubFd.writeSeq();
                    if (c.finishConnect()) {
                        break;
                    }
                    long t = Durations.FOREVER;
                    if (deadline != 0) {
                        t = deadline - System.nanoTime();
                        if (t <= 0) {
                            throw new SocketTimeoutException("Connect timed out");
                        }
                    }
                    if (!hubFd.awaitWritable(seq, t)) {
                        throw new SocketTimeoutException("Connect timed out");
                    }
                    if (closed) {
                        throw new SocketException("Socket closed");
                    }
                }
            }
        } catch (ClosedChannelException e) {
            throw new SocketException("Socket closed");
        }
        attach(c);
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
        bindTo = new InetSocketAddress(host, port);
        if (ch != null) {
            ch.bind(bindTo);
        }
        localport = port;
    }

    @Override
    protected void listen(int backlog) throws IOException {
        ServerSocketChannel s = ServerSocketChannel.open();
        try {
            s.configureBlocking(false);
            applyPending(s);
            s.bind(bindTo, backlog < 1 ? 50 : backlog);
            hubFd = new HubFd(s);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        server = s;
        InetSocketAddress local = (InetSocketAddress) s.getLocalAddress();
        address = local.getAddress();
        localport = local.getPort();
    }

    @Override
    protected void accept(SocketImpl target) throws IOException {
        if (server == null) {
            throw new SocketException("Socket is not bound yet");
        }
        int timeout = soTimeoutMillis;
        long deadline = timeout == 0 ? 0 : System.nanoTime() + timeout * 1_000_000L;
        while (true) {
            int seq = hubFd.readSeq();
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed");
            }
            if (c != null) {
                try {
                    ((GreenSocketImpl) target).attach(c);
                } catch (IOException | RuntimeException e) {
                    c.close();
                    throw e;
                }
                return;
            }
            long t = Durations.FOREVER;
            if (deadline != 0) {
                t = deadline - System.nanoTime();
                if (t <= 0) {
                    throw new SocketTimeoutException("Accept timed out");
                }
            }
            if (!hubFd.awaitReadable(seq, t)) {
                throw new SocketTimeoutException("Accept timed out");
            }
        }
    }

    /**
     * The read counter before the last read that drained the socket (it found nothing, or fewer bytes than asked), or
     * {@code Long.MIN_VALUE}. While the counter has not moved since, a read can only find nothing — any byte that
     * arrived after that read brings an edge — so it is skipped and the greenlet waits for the edge: no failed
     * {@code read(2)} per message. Never after a FIN/RST/error edge ({@link HubFd#hangup()}), which may wait behind a
     * short read's data.
     */
    private volatile long drainedAt = Long.MIN_VALUE;

    /** Reads into {@code b}; -1 at end of stream. */
    int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        SocketChannel c = connected();
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        int timeout = soTimeoutMillis;
        long deadline = timeout == 0 ? 0 : System.nanoTime() + timeout * 1_000_000L;
        while (true) {
            int seq = hubFd.readSeq();
            int n;
            if (drainedAt == seq && !hubFd.hangup() && hubFd.edgesWakeCaller()) {
                n = 0; // the last read drained the socket and no edge came since: it can only find nothing
            } else {
                try {
                    n = c.read(buf);
                } catch (ClosedChannelException e) {
                    throw new SocketException("Socket closed");
                }
                if (n >= 0 && n < len) {
                    drainedAt = seq; // a stream socket's queue was empty when the read returned
                }
            }
            if (n != 0) {
                return n;
            }
            long t = Durations.FOREVER;
            if (deadline != 0) {
                t = deadline - System.nanoTime();
                if (t <= 0) {
                    throw new SocketTimeoutException("Read timed out");
                }
            }
            if (!hubFd.awaitReadable(seq, t)) {
                throw new SocketTimeoutException("Read timed out");
            }
        }
    }

    void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        SocketChannel c = connected();
        ByteBuffer buf = ByteBuffer.wrap(b, off, len);
        while (buf.hasRemaining()) {
            int seq = hubFd.writeSeq();
            int n;
            try {
                n = c.write(buf);
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed");
            }
            if (n == 0) {
                hubFd.awaitWritable(seq, Durations.FOREVER);
            }
        }
    }

    private SocketChannel connected() throws IOException {
        SocketChannel c = ch;
        if (c == null || closed) {
            throw new SocketException(closed ? "Socket closed" : "Socket is not connected");
        }
        return c;
    }

    @Override
    protected InputStream getInputStream() throws IOException {
        connected();
        if (in == null) {
            in = new SocketIn(this);
        }
        return in;
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
        connected();
        if (out == null) {
            out = new SocketOut(this);
        }
        return out;
    }

    @Override
    protected int available() throws IOException {
        connected();
        return 0; // no FIONREAD on a JDK channel: "nothing known to be readable without blocking"
    }

    @Override
    protected void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        NetworkChannel c = ch != null ? ch : server;
        if (c == null) {
            return;
        }
        if (hubFd != null) {
            hubFd.close(c);
        } else {
            c.close();
        }
    }

    @Override
    protected void shutdownInput() throws IOException {
        connected().shutdownInput();
        hubFd.shutdown();
    }

    @Override
    protected void shutdownOutput() throws IOException {
        connected().shutdownOutput();
        hubFd.shutdown();
    }

    @Override
    protected boolean supportsUrgentData() {
        return false;
    }

    @Override
    protected void sendUrgentData(int data) throws IOException {
        throw new SocketException("urgent data is not supported by gevent4j sockets");
    }

    // --- options ---

    private NetworkChannel channel() {
        return ch != null ? ch : server;
    }

    @SuppressWarnings("unchecked")
    private void applyPending(NetworkChannel c) throws IOException {
        for (var e : pending.entrySet()) {
            c.setOption(e.getKey(), e.getValue());
        }
        pending.clear();
    }

    @SuppressWarnings("unchecked")
    private static SocketOption<Object> standard(int optID) throws SocketException {
        return (SocketOption<Object>) (SocketOption<?>) switch (optID) {
            case SocketOptions.TCP_NODELAY -> StandardSocketOptions.TCP_NODELAY;
            case SocketOptions.SO_KEEPALIVE -> StandardSocketOptions.SO_KEEPALIVE;
            case SocketOptions.SO_LINGER -> StandardSocketOptions.SO_LINGER;
            case SocketOptions.SO_RCVBUF -> StandardSocketOptions.SO_RCVBUF;
            case SocketOptions.SO_SNDBUF -> StandardSocketOptions.SO_SNDBUF;
            case SocketOptions.SO_REUSEADDR -> StandardSocketOptions.SO_REUSEADDR;
            case SocketOptions.SO_REUSEPORT -> StandardSocketOptions.SO_REUSEPORT;
            case SocketOptions.IP_TOS -> StandardSocketOptions.IP_TOS;
            default -> throw new SocketException("socket option " + optID + " is not supported by gevent4j sockets");
        };
    }

    @Override
    public void setOption(int optID, Object value) throws SocketException {
        if (optID == SO_TIMEOUT) {
            soTimeoutMillis = (Integer) value;
            return;
        }
        Object v = value;
        if (optID == SO_LINGER) {
            v = value instanceof Boolean b ? (b ? 0 : -1) : value;
        }
        try {
            setOption(standard(optID), v);
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    public Object getOption(int optID) throws SocketException {
        if (optID == SO_TIMEOUT) {
            return soTimeoutMillis;
        }
        try {
            if (optID == SO_BINDADDR) {
                NetworkChannel c = channel();
                SocketAddress a = c == null ? null : c.getLocalAddress();
                return a == null ? InetAddress.getByName("0.0.0.0") : ((InetSocketAddress) a).getAddress();
            }
            Object v = getOption(standard(optID));
            if (optID == SO_LINGER && v instanceof Integer i && i < 0) {
                return Boolean.FALSE;
            }
            return v;
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> void setOption(SocketOption<T> name, T value) throws IOException {
        if (name == StandardSocketOptions.SO_LINGER && value instanceof Integer i && i > 0) {
            // a lingering close would block the thread that closes (the hub thread, see HubFd.close)
            throw new SocketException("SO_LINGER > 0 is not supported by gevent4j sockets");
        }
        NetworkChannel c = channel();
        if (c == null) {
            pending.put((SocketOption<Object>) name, value);
        } else {
            c.setOption(name, value);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    protected <T> T getOption(SocketOption<T> name) throws IOException {
        NetworkChannel c = channel();
        if (c == null) {
            if (pending.containsKey(name)) {
                return (T) pending.get(name);
            }
            throw new SocketException("socket not created yet");
        }
        return c.getOption(name);
    }

    @Override
    protected Set<SocketOption<?>> supportedOptions() {
        return Set.of(StandardSocketOptions.TCP_NODELAY, StandardSocketOptions.SO_KEEPALIVE,
                StandardSocketOptions.SO_LINGER, StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_SNDBUF,
                StandardSocketOptions.SO_REUSEADDR, StandardSocketOptions.SO_REUSEPORT, StandardSocketOptions.IP_TOS);
    }

    private static final class SocketIn extends InputStream {
        private final GreenSocketImpl impl;

        SocketIn(GreenSocketImpl impl) {
            this.impl = impl;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = impl.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return impl.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return impl.available();
        }

        @Override
        public void close() throws IOException {
            impl.close();
        }
    }

    private static final class SocketOut extends OutputStream {
        private final GreenSocketImpl impl;

        SocketOut(GreenSocketImpl impl) {
            this.impl = impl;
        }

        @Override
        public void write(int b) throws IOException {
            impl.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            impl.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            impl.close();
        }
    }

    /** Loads what reads, writes and closes need (see {@link HubFd#preload()}). */
    static void preload() {
        HubFd.preload();
        Class<?>[] classes = {SocketIn.class, SocketOut.class, GreenSocket.class};
        if (classes.length == 0) {
            throw new AssertionError();
        }
    }
}
