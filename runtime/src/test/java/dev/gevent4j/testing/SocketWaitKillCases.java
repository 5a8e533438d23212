package dev.gevent4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Timeout;
import dev.gevent4j.io.Sockets;
import dev.gevent4j.io.StreamHandler;
import dev.gevent4j.io.StreamServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19, without the agent: a kill or Timeout at a socket wait. Sockets from gevent4j ({@link Sockets},
 * {@link StreamServer}) raise the kill or Timeout right at the wait and stay open and usable; plain JDK channels
 * read by a greenlet get the interrupt that carries it and are closed by the JDK (the documented contrast; the agent
 * or {@code dev.gevent4j.io} is the remedy). Run by {@code dev.gevent4j.io.SocketWaitKillTest} (no agent) and by the
 * agent module's {@code SocketWaitKillAgentTest} (the real agent attached); shared here, in the test jar.
 */
@ExtendWith(LeakCheck.class)
@org.junit.jupiter.api.Timeout(120) // fully qualified: dev.gevent4j.Timeout is imported
public abstract class SocketWaitKillCases extends HubPerTest {
    /** Under the agent (its test extends this class) the JDK's own channels keep their wait on the hub too. */
    static final boolean AGENT = dev.gevent4j.Monkey.isAgentAttached();
    static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    /** One blocking point: resources, the blocking call, and the check afterwards. Runs in greenlets. */
    interface Fixture extends AutoCloseable {
        void block() throws Exception;

        /** After the kill or Timeout: the resource is open and usable (or, for a contrast case, closed). */
        void after() throws Exception;

        @Override
        void close() throws Exception;
    }

    interface Maker {
        Fixture make() throws Exception;
    }

    /** {@code keepsOpen}: gevent4j owns the wait, the resource survives; false: the JDK closes it (documented). */
    record Case(String name, boolean keepsOpen, Maker maker) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> a = new ArrayList<>();
        for (Case c : List.of(
                new Case("Sockets: socket read", true, SocketWaitKillCases::greenRead),
                new Case("Sockets: accept", true, SocketWaitKillCases::greenAccept),
                new Case("Sockets: connect to a full backlog", true, SocketWaitKillCases::greenConnect),
                new Case("Sockets: write to a full buffer", true, SocketWaitKillCases::greenWrite),
                new Case("JDK Socket read", AGENT, SocketWaitKillCases::jdkRead),
                new Case("JDK ServerSocket accept", AGENT, SocketWaitKillCases::jdkAccept),
                new Case("JDK Socket connect to a full backlog", AGENT, SocketWaitKillCases::jdkConnect),
                new Case("JDK Socket write to a full buffer", AGENT, SocketWaitKillCases::jdkWrite),
                new Case("JDK DatagramChannel receive", AGENT, SocketWaitKillCases::jdkDatagram),
                new Case("JDK Pipe read", AGENT, SocketWaitKillCases::jdkPipe))) {
            a.add(Arguments.of(c, true));
            a.add(Arguments.of(c, false));
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void killOrTimeoutAtTheWait(Case c, boolean kill) throws Exception {
        String result = OnHub.call(hub, () -> {
            try (Fixture fx = c.maker().make()) {
                Greenlet<Object> victim;
                if (kill) {
                    victim = Gevent.spawn(() -> {
                        fx.block();
                        return "returned";
                    });
                    awaitParked(victim);
                    victim.kill();
                    assertTrue(victim.isDead());
                    if (c.keepsOpen()) {
                        assertInstanceOf(GreenletExit.class, victim.value(), c + ": " + victim.exception());
                    }
                } else {
                    victim = Gevent.spawn(() -> {
                        Timeout t = Timeout.start(Duration.ofMillis(100));
                        try {
                            fx.block();
                            return "returned";
                        } catch (Timeout e) {
                            assertSame(t, e);
                            return e;
                        } finally {
                            t.cancel();
                        }
                    });
                    victim.join();
                    if (c.keepsOpen()) {
                        assertInstanceOf(Timeout.class, victim.get(), c + ": " + victim.exception());
                    }
                }
                Object outcome = victim.isSuccessful() ? victim.value() : victim.exception();
                fx.after();
                return (outcome == null ? "null" : outcome.getClass().getSimpleName());
            }
        });
        System.out.println("ISSUE19 " + (AGENT ? "agent" : "runtime") + " | " + c + " | " + (kill ? "kill" : "Timeout") + " | raised "
                + result + " | " + (c.keepsOpen() ? "open and usable" : "closed by the JDK (documented)"));
    }

    private static void awaitParked(Greenlet<?> g) {
        while (g.getThread() == null || g.getThread().getState() != Thread.State.WAITING) {
            Gevent.sleep(1);
        }
    }

    // --- fixtures: gevent4j sockets (must stay open) ---

    /** A connected pair: {@code s} accepted by {@code ss}, {@code c} the client. */
    static final class Pair implements AutoCloseable {
        final ServerSocket ss;
        final Socket c;
        final Socket s;

        private Pair(ServerSocket ss, Socket c) throws Exception {
            this.ss = ss;
            this.c = c;
            this.s = ss.accept();
        }

        /** gevent4j sockets: a {@link Sockets} listener and client. */
        Pair() throws Exception {
            this(Sockets.listen(LOOPBACK));
        }

        private Pair(ServerSocket ss) throws Exception {
            this(ss, Sockets.connect(ss.getLocalSocketAddress(), Duration.ofSeconds(10)));
        }

        /** Plain JDK sockets. */
        static Pair jdk() throws Exception {
            ServerSocket ss = new ServerSocket();
            ss.bind(LOOPBACK);
            return new Pair(ss, new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort()));
        }

        @Override
        public void close() throws Exception {
            s.close();
            c.close();
            ss.close();
        }
    }

    static Fixture greenRead() throws Exception {
        Pair p = new Pair();
        return new Fixture() {
            public void block() throws Exception {
                p.s.getInputStream().read();
            }

            public void after() throws Exception {
                assertFalse(p.s.isClosed());
                p.c.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                p.s.setSoTimeout(10_000);
                byte[] b = p.s.getInputStream().readNBytes(2);
                assertEquals("hi", new String(b, StandardCharsets.US_ASCII), "unread data intact");
                p.s.getOutputStream().write('!');
                assertEquals('!', p.c.getInputStream().read());
            }

            public void close() throws Exception {
                p.close();
            }
        };
    }

    static Fixture greenAccept() throws Exception {
        ServerSocket ss = Sockets.listen(LOOPBACK);
        return new Fixture() {
            public void block() throws Exception {
                ss.accept().close();
            }

            public void after() throws Exception {
                assertFalse(ss.isClosed());
                try (Socket c = Sockets.connect(ss.getLocalSocketAddress(), Duration.ofSeconds(10));
                     Socket s = ss.accept()) {
                    c.getOutputStream().write(7);
                    assertEquals(7, s.getInputStream().read());
                }
            }

            public void close() throws Exception {
                ss.close();
            }
        };
    }

    /** A listener that never accepts, its backlog filled so that one more connect hangs (SYNs dropped). */
    static final class FullBacklog implements AutoCloseable {
        final ServerSocket ss = new ServerSocket();
        final List<SocketChannel> fillers = new ArrayList<>();

        FullBacklog() throws Exception {
            ss.bind(LOOPBACK, 1);
            try (Selector sel = Selector.open()) {
                for (int i = 0; i < 64; i++) {
                    SocketChannel f = SocketChannel.open();
                    f.configureBlocking(false);
                    fillers.add(f);
                    if (!f.connect(ss.getLocalSocketAddress())) {
                        SelectionKey k = f.register(sel, SelectionKey.OP_CONNECT);
                        boolean ok = sel.select(300) > 0 && f.finishConnect();
                        k.cancel();
                        sel.selectNow();
                        if (!ok) {
                            return; // the backlog is full
                        }
                    }
                }
            }
            throw new IllegalStateException("could not fill the backlog");
        }

        /** Accepts (and closes) everything queued, so that pending connects complete. */
        void drain() throws Exception {
            ss.setSoTimeout(200);
            try {
                while (true) {
                    ss.accept().close();
                }
            } catch (SocketTimeoutException enough) {
                // queue drained
            }
        }

        @Override
        public void close() throws Exception {
            for (SocketChannel f : fillers) {
                f.close();
            }
            ss.close();
        }
    }

    static Fixture greenConnect() throws Exception {
        FullBacklog full = new FullBacklog();
        Socket s = Sockets.socket();
        return new Fixture() {
            public void block() throws Exception {
                s.connect(full.ss.getLocalSocketAddress());
            }

            public void after() throws Exception {
                // the socket stays open, its connect still pending: once the listener takes it, connect() completes
                assertFalse(s.isClosed());
                assertFalse(s.isConnected());
                Greenlet<Void> drain = Gevent.spawn(() -> {
                    full.drain();
                    return null;
                });
                s.connect(full.ss.getLocalSocketAddress(), 10_000);
                assertTrue(s.isConnected());
                drain.get();
            }

            public void close() throws Exception {
                s.close();
                full.close();
            }
        };
    }

    static Fixture greenWrite() throws Exception {
        Pair p = new Pair();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        return new Fixture() {
            public void block() throws Exception {
                OutputStream out = p.s.getOutputStream();
                while (true) {
                    out.write(chunk); // the peer never reads: blocks once both buffers are full
                }
            }

            public void after() throws Exception {
                assertFalse(p.s.isClosed());
                Greenlet<byte[]> drain = Gevent.spawn(() -> p.c.getInputStream().readAllBytes());
                p.s.getOutputStream().write('Z');
                p.s.shutdownOutput();
                byte[] got = drain.get();
                assertTrue(got.length > chunk.length, "the data written before the interruption arrives");
                assertEquals('Z', got[got.length - 1]);
                for (int i = 0; i < got.length - 1; i++) {
                    if (got[i] != 'a') {
                        throw new AssertionError("byte " + i + " is " + got[i]);
                    }
                }
            }

            public void close() throws Exception {
                p.close();
            }
        };
    }

    // --- fixtures: plain JDK channels (the contrast: closed by the interrupt that carries the kill) ---

    static Fixture jdkRead() throws Exception {
        Pair p = Pair.jdk();
        return new Fixture() {
            public void block() throws Exception {
                p.s.getInputStream().read();
            }

            public void after() throws Exception {
                if (!AGENT) {
                    assertTrue(p.s.isClosed(), "the JDK closes a socket whose virtual-thread reader is interrupted");
                    return;
                }
                assertFalse(p.s.isClosed());
                p.c.getOutputStream().write(4);
                assertEquals(4, p.s.getInputStream().read(), "unread data intact");
            }

            public void close() throws Exception {
                p.close();
            }
        };
    }

    static Fixture jdkAccept() throws Exception {
        ServerSocket ss = new ServerSocket();
        ss.bind(LOOPBACK);
        return new Fixture() {
            public void block() throws Exception {
                ss.accept().close();
            }

            public void after() throws Exception {
                if (!AGENT) {
                    assertTrue(ss.isClosed(), "the JDK closes a listener whose virtual-thread acceptor is interrupted");
                    return;
                }
                assertFalse(ss.isClosed());
                try (Socket c = new Socket(InetAddress.getLoopbackAddress(), ss.getLocalPort());
                     Socket s = ss.accept()) {
                    c.getOutputStream().write(7);
                    assertEquals(7, s.getInputStream().read());
                }
            }

            public void close() throws Exception {
                ss.close();
            }
        };
    }

    static Fixture jdkConnect() throws Exception {
        FullBacklog full = new FullBacklog();
        Socket s = new Socket();
        return new Fixture() {
            public void block() throws Exception {
                s.connect(full.ss.getLocalSocketAddress());
            }

            public void after() throws Exception {
                if (!AGENT) {
                    assertTrue(s.isClosed(), "Socket.connect closes the socket when its connect is interrupted");
                    return;
                }
                // under the agent the kill passes through NioSocketImpl.connect, which only closes on IOException
                System.out.println("ISSUE19 agent | JDK Socket connect afterwards: closed=" + s.isClosed()
                        + ", connected=" + s.isConnected());
            }

            public void close() throws Exception {
                s.close();
                full.close();
            }
        };
    }

    static Fixture jdkWrite() throws Exception {
        Pair p = Pair.jdk();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        return new Fixture() {
            public void block() throws Exception {
                OutputStream out = p.s.getOutputStream();
                while (true) {
                    out.write(chunk);
                }
            }

            public void after() throws Exception {
                if (!AGENT) {
                    assertTrue(p.s.isClosed(), "the JDK closes a socket whose virtual-thread writer is interrupted");
                    return;
                }
                assertFalse(p.s.isClosed());
                Greenlet<byte[]> drain = Gevent.spawn(() -> p.c.getInputStream().readAllBytes());
                p.s.getOutputStream().write('Z');
                p.s.shutdownOutput();
                byte[] got = drain.get();
                assertEquals('Z', got[got.length - 1]);
            }

            public void close() throws Exception {
                p.close();
            }
        };
    }

    static Fixture jdkDatagram() throws Exception {
        DatagramChannel ch = DatagramChannel.open();
        ch.bind(LOOPBACK);
        return new Fixture() {
            public void block() throws Exception {
                ch.receive(ByteBuffer.allocate(16));
            }

            public void after() throws Exception {
                if (!AGENT) {
                    assertFalse(ch.isOpen(), "an interruptible channel is closed by the interrupt");
                    return;
                }
                assertTrue(ch.isOpen());
                try (DatagramChannel out = DatagramChannel.open()) {
                    out.send(ByteBuffer.wrap(new byte[] {6}), ch.getLocalAddress());
                }
                ByteBuffer b = ByteBuffer.allocate(16);
                ch.receive(b);
                assertEquals(6, b.get(0));
            }

            public void close() throws Exception {
                ch.close();
            }
        };
    }

    static Fixture jdkPipe() throws Exception {
        Pipe pipe = Pipe.open();
        return new Fixture() {
            public void block() throws Exception {
                pipe.source().read(ByteBuffer.allocate(16));
            }

            public void after() throws Exception {
                if (!AGENT) {
                    assertFalse(pipe.source().isOpen(), "an interruptible channel is closed by the interrupt");
                    return;
                }
                assertTrue(pipe.source().isOpen());
                pipe.sink().write(ByteBuffer.wrap(new byte[] {8}));
                ByteBuffer b = ByteBuffer.allocate(16);
                pipe.source().read(b);
                assertEquals(8, b.get(0));
            }

            public void close() throws Exception {
                pipe.source().close();
                pipe.sink().close();
            }
        };
    }

    // --- FileChannel read on a FIFO: the table's last row. Not in cases(): without the agent the read blocks the hub
    //     thread itself, so the kill, the Timeout's deadline and the writer must all come from outside the hub. ---

    /** A FIFO made with mkfifo, its read end and its write end, both opened outside any hub. */
    static final class Fifo implements AutoCloseable {
        final FileChannel reader;
        final FileChannel writer;

        private Fifo(FileChannel reader, FileChannel writer) {
            this.reader = reader;
            this.writer = writer;
        }

        /** Makes the FIFO (skips the test without mkfifo) and opens both ends (each open waits for the other). */
        static Fifo make(Path dir) throws Exception {
            Path path = dir.resolve("fifo");
            Process p;
            try {
                p = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
            } catch (java.io.IOException e) {
                Assumptions.assumeTrue(false, "no mkfifo: " + e);
                throw e;
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "mkfifo ended");
            assertEquals(0, p.exitValue(), () -> "mkfifo: " + new String(readAll(p), StandardCharsets.UTF_8));
            AtomicReference<Object> w = new AtomicReference<>();
            Thread opener = Thread.ofPlatform().name("fifo-writer-open").start(() -> {
                try {
                    w.set(FileChannel.open(path, StandardOpenOption.WRITE));
                } catch (Throwable t) {
                    w.set(t);
                }
            });
            FileChannel r = FileChannel.open(path, StandardOpenOption.READ); // returns once the writer has opened
            opener.join();
            if (!(w.get() instanceof FileChannel writer)) {
                r.close();
                throw new AssertionError("opening the FIFO's write end failed", (Throwable) w.get());
            }
            return new Fifo(r, writer);
        }

        private static byte[] readAll(Process p) {
            try (InputStream in = p.getInputStream()) {
                return in.readAllBytes();
            } catch (java.io.IOException e) {
                return new byte[0];
            }
        }

        void write(int... bytes) throws java.io.IOException {
            ByteBuffer b = ByteBuffer.allocate(bytes.length);
            for (int x : bytes) {
                b.put((byte) x);
            }
            b.flip();
            while (b.hasRemaining()) {
                writer.write(b); // a FIFO with room (64 KiB): never blocks here
            }
        }

        @Override
        public void close() throws Exception {
            try {
                reader.close();
            } finally {
                writer.close();
            }
        }
    }

    /** Waits (at most 10 s, polling) until {@code condition} holds. A platform thread, outside the hub. */
    private static void awaitOutside(String what, java.util.function.BooleanSupplier condition) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("not within 10 s: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private static boolean inFileRead(Greenlet<?> g) {
        Thread t = g.getThread();
        if (t == null) {
            return false;
        }
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("read0")) { // sun.nio.ch.UnixFileDispatcherImpl.read0: in read(2)
                return true;
            }
        }
        return false;
    }

    @ParameterizedTest(name = "FileChannel read on a FIFO, {0}")
    @ValueSource(strings = {"kill", "Timeout"})
    void fileChannelReadOnAFifo(String how, @TempDir Path dir) throws Exception {
        boolean kill = how.equals("kill");
        String result;
        try (Fifo fifo = Fifo.make(dir)) {
            result = AGENT ? fifoReadOnThePool(fifo, kill) : fifoReadBlocksTheHub(fifo, kill);
        }
        System.out.println("ISSUE19 " + (AGENT ? "agent" : "runtime") + " | FileChannel read on a FIFO | " + how
                + " | " + result);
    }

    /**
     * Without the agent the greenlet's FileChannel.read blocks in read(2) on the hub's own thread: no timer fires and
     * no other greenlet runs until data arrives. A kill from another thread interrupts the greenlet; the JDK then
     * closes the channel, and the interrupting call itself waits until the blocked read has returned (the channel's
     * close waits for its readers); the read then throws ClosedByInterruptException (the bytes it read are in the
     * buffer, its count is lost) and the kill ends the greenlet. A Timeout cannot fire while the hub is blocked: the
     * read returns its data after the deadline, and the Timeout, not yet fired, is cancelled unraised.
     */
    private String fifoReadBlocksTheHub(Fifo fifo, boolean kill) throws Exception {
        ByteBuffer buf = ByteBuffer.allocate(16);
        AtomicReference<Object> readOutcome = new AtomicReference<>();
        AtomicReference<Timeout> timeout = new AtomicReference<>();
        Greenlet<Object> victim = hub.spawn(() -> {
            Timeout t = kill ? null : Timeout.start(Duration.ofMillis(100));
            timeout.set(t);
            try {
                int n = fifo.reader.read(buf);
                readOutcome.set(n);
                return t != null && t.hasFired() ? "fired" : "returned";
            } catch (Throwable e) {
                readOutcome.set(e);
                throw e;
            } finally {
                if (t != null) {
                    t.cancel();
                }
            }
        });
        awaitOutside("the greenlet blocks the hub in read(2)", () -> inFileRead(victim));
        if (kill) {
            Thread killer = Thread.ofPlatform().name("fifo-killer").start(victim::killNowait);
            // the interrupt closes the channel at once, then the close waits for the blocked read
            awaitOutside("the interrupt closed the channel", () -> !fifo.reader.isOpen());
            assertTrue(killer.isAlive(), "the killing thread waits for the blocked read");
            assertFalse(victim.isDead());
            fifo.write(1, 2);
            killer.join();
            assertTrue(victim.join(Duration.ofSeconds(10)));
            assertInstanceOf(ClosedByInterruptException.class, readOutcome.get());
            assertInstanceOf(GreenletExit.class, victim.value(), "the kill ends the greenlet (GreenletExit: its value)"
                    + "; the read raised " + readOutcome.get());
            assertFalse(fifo.reader.isOpen(), "the JDK closed the channel");
            assertEquals(2, buf.position(), "the interrupted read took the bytes off the FIFO (its count is lost)");
            return "read: ClosedByInterruptException once data came; greenlet: GreenletExit; channel closed by the "
                    + "JDK, the 2 bytes read are lost to the caller; the killer waited for the read";
        }
        awaitOutside("the greenlet started its Timeout", () -> timeout.get() != null);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
        awaitOutside("the Timeout's deadline passed (the hub is blocked: it cannot fire)",
                () -> System.nanoTime() - deadline > 0);
        assertFalse(timeout.get().hasFired());
        assertFalse(victim.isDead());
        assertTrue(inFileRead(victim), "still in read(2)");
        fifo.write(1, 2);
        assertTrue(victim.join(Duration.ofSeconds(10)));
        assertEquals("returned", victim.get(), "the Timeout never fired: the read returned first");
        assertEquals(2, readOutcome.get());
        assertTrue(fifo.reader.isOpen());
        return "read returned its data after the deadline; the Timeout never fired (cancelled before the greenlet's "
                + "next wait); channel open";
    }

    /**
     * Under the agent (option files) the read runs on the hub's thread pool while the greenlet parks on the hub: a
     * kill or Timeout reaches the greenlet at once but is raised only when the pool read has returned (never
     * abandoned half-way); the read's count is dropped, the bytes it read are in the caller's buffer, and the channel
     * stays open and usable.
     */
    private String fifoReadOnThePool(Fifo fifo, boolean kill) throws Exception {
        return OnHub.call(hub, () -> {
            ByteBuffer buf = ByteBuffer.allocate(16);
            AtomicReference<Timeout> timeout = new AtomicReference<>();
            Greenlet<Object> victim = Gevent.spawn(() -> {
                Timeout t = kill ? null : Timeout.start(Duration.ofMillis(100));
                timeout.set(t);
                try {
                    return fifo.reader.read(buf);
                } catch (Timeout e) {
                    assertSame(t, e);
                    return e;
                } finally {
                    if (t != null) {
                        t.cancel();
                    }
                }
            });
            awaitParked(victim); // parked on the hub: the read runs on a pool thread
            if (kill) {
                victim.killNowait();
            } else {
                while (!timeout.get().hasFired()) {
                    Gevent.sleep(5);
                }
            }
            assertFalse(victim.join(Duration.ofMillis(50)), "raised only once the pool read returned");
            fifo.write(1, 2);
            assertTrue(victim.join(Duration.ofSeconds(10)));
            if (kill) {
                assertInstanceOf(GreenletExit.class, victim.value(), "GreenletExit: the greenlet's value");
            } else {
                assertInstanceOf(Timeout.class, victim.get(), "the Timeout, not the read's count");
            }
            assertEquals(2, buf.position(), "the pool read's bytes are in the caller's buffer (its count is dropped)");
            assertTrue(fifo.reader.isOpen(), "the channel stays open");
            fifo.write(3);
            ByteBuffer again = ByteBuffer.allocate(16);
            assertEquals(1, fifo.reader.read(again), "and usable");
            assertEquals(3, again.get(0));
            return (kill ? "GreenletExit" : "Timeout") + " raised once the pool read returned; its 2 bytes are in the "
                    + "caller's buffer, its count dropped; channel open and usable";
        });
    }

    // --- the rest of the socket contract ---

    @Test
    void soTimeoutGivesSocketTimeoutExceptionAndTheSocketStaysOpen() throws Exception {
        OnHub.call(hub, () -> {
            try (Pair p = new Pair()) {
                p.s.setSoTimeout(50);
                assertThrows(SocketTimeoutException.class, () -> p.s.getInputStream().read());
                assertFalse(p.s.isClosed());
                p.c.getOutputStream().write(5);
                assertEquals(5, p.s.getInputStream().read());
            }
            return null;
        });
    }

    @Test
    void outsideAGreenletTheSocketsBlockLikeJdkSockets() throws Exception {
        try (ServerSocket ss = Sockets.listen(LOOPBACK);
             Socket c = Sockets.connect(ss.getLocalSocketAddress(), Duration.ofSeconds(10));
             Socket s = ss.accept()) {
            s.setSoTimeout(50);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            c.getOutputStream().write("abc".getBytes(StandardCharsets.US_ASCII));
            s.setSoTimeout(10_000);
            assertEquals("abc", new String(s.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
            c.shutdownOutput();
            assertEquals(-1, s.getInputStream().read());
        }
    }

    @Test
    void aStreamServerHandlerOutlivesAnIdleTimeout() throws Exception {
        StreamHandler h = (s, peer) -> {
            InputStream in = s.getInputStream();
            try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
                in.read();
            } catch (Timeout e) {
                s.getOutputStream().write("idle\n".getBytes(StandardCharsets.US_ASCII));
            }
            int b = in.read();
            s.getOutputStream().write(b);
        };
        try (StreamServer server = new StreamServer(LOOPBACK, h).hub(hub).start()) {
            OnHub.call(hub, () -> {
                try (Socket c = Sockets.connect(server.getAddress(), Duration.ofSeconds(10))) {
                    c.setSoTimeout(10_000);
                    InputStream in = c.getInputStream();
                    ByteArrayOutputStream line = new ByteArrayOutputStream();
                    for (int b; (b = in.read()) != '\n'; ) {
                        line.write(b);
                    }
                    assertEquals("idle", line.toString(StandardCharsets.US_ASCII));
                    c.getOutputStream().write('x');
                    assertEquals('x', in.read(), "the connection survived the Timeout");
                }
                return null;
            });
        }
    }

    @Test
    void manyGreenletsReadingOneSocketAllWakeAndShareTheData() throws Exception {
        OnHub.call(hub, () -> {
            try (Pair p = new Pair()) {
                List<Greenlet<Integer>> readers = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    readers.add(Gevent.spawn(() -> p.s.getInputStream().read()));
                }
                Gevent.sleep(0);
                byte[] ten = new byte[10];
                Arrays.fill(ten, (byte) 3);
                p.c.getOutputStream().write(ten);
                for (Greenlet<Integer> r : readers) {
                    assertEquals(3, r.get());
                }
            }
            return null;
        });
    }
}
