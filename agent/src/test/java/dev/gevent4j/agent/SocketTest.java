package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Hub;
import dev.gevent4j.Timeout;
import dev.gevent4j.internal.agent.hooks.SocketWaits;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout.ThreadMode;

/** Under the agent, greenlets' socket waits park on their hub's epoll loop; the hub runs others meanwhile. */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SAME_THREAD)
class SocketTest {
    private Hub hub;
    private ServerSocket server;

    @BeforeEach
    void setUp() throws IOException {
        hub = Hub.create();
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
        hub.close();
        assertEquals(0, SocketWaits.waiting(), "a greenlet socket wait was left behind");
    }

    private Socket connect() throws IOException {
        return new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** A client socket (this thread) and its accepted server side (accepted by a greenlet): {client, server}. */
    private Socket[] connectedPair() throws IOException {
        Greenlet<Socket> accepted = hub.spawn(() -> server.accept());
        Socket c = connect();
        return new Socket[] {c, accepted.get()};
    }

    /** Waits until a greenlet is parked in a socket wait of the agent. */
    private static void awaitSocketWait() throws InterruptedException {
        while (SocketWaits.waiting() == 0) {
            Thread.sleep(1);
        }
    }

    @Test
    void echoBetweenGreenletsWhileAnotherGreenletKeepsRunning() {
        AtomicInteger ticks = new AtomicInteger();
        Greenlet<String> srv = hub.spawn(() -> {
            try (Socket s = server.accept()) {
                byte[] b = s.getInputStream().readNBytes(5);
                s.getOutputStream().write(b);
                return new String(b);
            }
        });
        Greenlet<String> cli = hub.spawn(() -> {
            try (Socket s = connect()) {
                Thread.sleep(50); // the server greenlet is parked in read meanwhile
                s.getOutputStream().write("hello".getBytes());
                return new String(s.getInputStream().readNBytes(5));
            }
        });
        Greenlet<Void> ticker = hub.spawn(() -> {
            while (!cli.isDead()) {
                ticks.incrementAndGet();
                Thread.sleep(5);
            }
            return null;
        });
        assertEquals("hello", srv.get());
        assertEquals("hello", cli.get());
        ticker.join();
        assertTrue(ticks.get() >= 3, "ticker ran " + ticks.get() + " times while the others waited on sockets");
    }

    @Test
    void manyConnectionsOnOneHub() {
        int n = 200;
        List<Greenlet<?>> all = new ArrayList<>();
        all.add(hub.spawn(() -> {
            for (int i = 0; i < n; i++) {
                Socket s = server.accept();
                hub.spawn(() -> {
                    try (s) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[64];
                        int k;
                        while ((k = in.read(buf)) > 0) {
                            s.getOutputStream().write(buf, 0, k);
                        }
                    }
                    return null;
                });
            }
            return null;
        }));
        List<Greenlet<String>> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String msg = "message-" + i;
            clients.add(hub.spawn(() -> {
                try (Socket s = connect()) {
                    s.getOutputStream().write(msg.getBytes());
                    return new String(s.getInputStream().readNBytes(msg.length()));
                }
            }));
        }
        for (int i = 0; i < n; i++) {
            assertEquals("message-" + i, clients.get(i).get());
        }
        all.get(0).get();
    }

    @Test
    void soTimeoutRaisesSocketTimeoutExceptionAfterTheTimeout() {
        Greenlet<Long> g = hub.spawn(() -> {
            try (Socket c = connect(); Socket s = server.accept()) {
                s.setSoTimeout(50);
                long t0 = System.nanoTime();
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
                long took = System.nanoTime() - t0;
                c.getOutputStream().write(7); // the socket still works after the timeout
                assertEquals(7, s.getInputStream().read());
                return took;
            }
        });
        assertTrue(g.get() >= 50_000_000L, "timed out after " + g.get() + " ns");
    }

    @Test
    void closeFromAnotherGreenletWakesTheReaderWithSocketException() {
        Greenlet<Socket> accepted = hub.spawn(() -> server.accept());
        Greenlet<Socket> client = hub.spawn(this::connect);
        Socket s = accepted.get();
        Greenlet<Class<?>> reader = hub.spawn(() -> {
            try {
                s.getInputStream().read();
                return null;
            } catch (IOException e) {
                return e.getClass();
            }
        });
        hub.spawn(() -> {
            Thread.sleep(30);
            s.close();
            return null;
        });
        assertEquals(SocketException.class, reader.get());
        hub.spawn(() -> {
            client.get().close();
            return null;
        }).get();
    }

    @Test
    void closeFromAPlatformThreadWakesTheReader() throws Exception {
        Socket[] pair = connectedPair();
        Socket c = pair[0];
        Socket s = pair[1];
        Greenlet<Class<?>> reader = hub.spawn(() -> {
            try {
                s.getInputStream().read();
                return null;
            } catch (IOException e) {
                return e.getClass();
            }
        });
        awaitSocketWait();
        s.close();
        assertEquals(SocketException.class, reader.get(Duration.ofSeconds(10)));
        c.close();
    }

    /**
     * An fd stays in its hub's epoll set between waits, so its removal must come with every close: otherwise a new
     * socket that gets the same fd number would find the old socket's state, never be added to epoll itself, and its
     * reader would wait for ever. Closed explicitly (from this platform thread), then dropped without a close (the
     * JDK's cleaner closes it).
     */
    @Test
    void aReusedFdNumberWaitsOnTheNewSocket() throws Exception {
        for (boolean dropInsteadOfClose : new boolean[] {false, true}) {
            Socket[] pair = connectedPair();
            Socket c = pair[0];
            Greenlet<Integer> first = hub.spawn(() -> pair[1].getInputStream().read());
            awaitSocketWait();
            c.getOutputStream().write(1);
            assertEquals(1, first.get());
            int[] before = SocketWaits.registeredFds();
            int fd = java.util.Arrays.stream(before).filter(n -> n != fdOf(server)).max().orElseThrow();
            assertEquals(fdOf(pair[1]), fd, "the read registered the accepted socket's fd");
            if (dropInsteadOfClose) {
                pair[1] = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (java.util.Arrays.stream(SocketWaits.registeredFds()).anyMatch(n -> n == fd)) {
                    assertTrue(System.nanoTime() < deadline, "the dropped socket's fd is still registered");
                    System.gc();
                    Thread.sleep(10); // the cleaner thread runs after a GC found the socket unreachable
                }
            } else {
                pair[1].close();
                assertTrue(java.util.Arrays.stream(SocketWaits.registeredFds()).noneMatch(n -> n == fd),
                        "a closed socket's fd left its hub's epoll set with the close");
            }
            c.close();
            // The lowest free number is handed out next: open sockets until one gets the old fd number.
            List<Socket> opened = new ArrayList<>();
            Socket reused = null;
            try {
                for (int i = 0; i < 8 && reused == null; i++) {
                    Socket[] p2 = connectedPair();
                    opened.add(p2[0]);
                    opened.add(p2[1]);
                    reused = fdOf(p2[1]) == fd ? p2[1] : fdOf(p2[0]) == fd ? p2[0] : null;
                }
                assertTrue(reused != null, "no new socket got fd " + fd);
                Socket r = reused;
                Socket peer = opened.get(opened.indexOf(r) ^ 1);
                Greenlet<Integer> reader = hub.spawn(() -> r.getInputStream().read());
                awaitSocketWait();
                peer.getOutputStream().write(7);
                assertEquals(7, reader.get(Duration.ofSeconds(10)), "the new socket on fd " + fd + " was woken");
            } finally {
                for (Socket o : opened) {
                    o.close();
                }
            }
        }
    }

    /**
     * A read that returns fewer bytes than asked usually means the socket was drained, and the next read is skipped
     * until the next edge. Not when the FIN came with the data and its edge was already collected: the next read must
     * see the end of stream, not wait for an edge that never comes.
     */
    @Test
    void dataThenFinInOneEdgeEndsTheStream() throws Exception {
        Socket[] pair = connectedPair();
        Socket c = pair[0];
        Socket s = pair[1];
        dev.gevent4j.event.Event go = new dev.gevent4j.event.Event();
        Greenlet<String> reader = hub.spawn(() -> {
            InputStream in = s.getInputStream();
            int first = in.read(); // waits once: the fd joins the hub's epoll set
            go.await();
            byte[] b = new byte[100];
            int n = in.read(b);
            return first + " " + n + " " + in.read(b);
        });
        awaitSocketWait();
        c.getOutputStream().write(1);
        int fd = fdOf(s);
        c.getOutputStream().write(new byte[] {2, 3, 4});
        c.shutdownOutput();
        while (!SocketWaits.hangupSeen(fd)) { // the hub collects the FIN's edge while the reader waits elsewhere
            Thread.sleep(1); // polling the hub's state, not a delay the outcome depends on
        }
        hub.callSoon(go::set);
        assertEquals("1 3 -1", reader.get(Duration.ofSeconds(10)));
        c.close();
        s.close();
    }

    /**
     * A reader on one hub and a writer on another wait on the same socket at once (a thread-per-connection server's
     * reader and writer threads under {@code hubs=N}): the fd stays with the hub that registered it, and its edges
     * wake the other hub's greenlet too.
     */
    @Test
    void aReaderAndAWriterOnTwoHubsShareOneSocket() throws Exception {
        Socket[] pair = connectedPair();
        Socket c = pair[0];
        Socket s = pair[1];
        try (Hub other = Hub.create()) {
            Greenlet<Integer> reader = hub.spawn(() -> s.getInputStream().read());
            awaitSocketWait();
            int size = 8 << 20; // more than both socket buffers: the writer waits for the peer to drain
            Greenlet<Integer> writer = other.spawn(() -> {
                s.getOutputStream().write(new byte[size]);
                return size;
            });
            while (SocketWaits.waiting() < 2) {
                Thread.sleep(1);
            }
            int fd = fdOf(s);
            assertTrue(java.util.Arrays.stream(SocketWaits.registeredFds()).anyMatch(n -> n == fd),
                    "the shared socket stays registered (with the reader's hub) while both wait");
            long drained = 0;
            byte[] b = new byte[64 * 1024];
            InputStream in = c.getInputStream();
            while (drained < size) {
                drained += in.read(b);
            }
            assertEquals(size, writer.get(Duration.ofSeconds(20)));
            c.getOutputStream().write(9);
            assertEquals(9, reader.get(Duration.ofSeconds(10)));
        }
        c.close();
        s.close();
    }

    private static int fdOf(Object socketOrServer) {
        try {
            Object impl = socketOrServer instanceof ServerSocket ss ? field(ServerSocket.class, ss, "impl")
                    : field(Socket.class, socketOrServer, "impl");
            if (!impl.getClass().getName().equals("sun.nio.ch.NioSocketImpl")) { // a client's SocksSocketImpl
                impl = field(Class.forName("java.net.DelegatingSocketImpl"), impl, "delegate");
            }
            java.io.FileDescriptor fd = (java.io.FileDescriptor) field(java.net.SocketImpl.class, impl, "fd");
            return (int) field(java.io.FileDescriptor.class, fd, "fd");
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static Object field(Class<?> c, Object o, String name) throws ReflectiveOperationException {
        java.lang.reflect.Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    @Test
    void killDuringReadLeavesTheSocketOpenAndUsable() throws Exception {
        Socket[] pair = connectedPair();
        Socket c = pair[0];
        Socket s = pair[1];
        Greenlet<Integer> reader = hub.spawn(() -> s.getInputStream().read());
        awaitSocketWait();
        reader.kill();
        assertTrue(((Object) reader.value()) instanceof GreenletExit, String.valueOf(reader.exception()));
        assertTrue(!s.isClosed(), "kill must not close the socket");
        c.getOutputStream().write(42);
        assertEquals(42, hub.spawn(() -> s.getInputStream().read()).get());
        c.close();
        s.close();
    }

    @Test
    void geventTimeoutDuringReadRaisesTimeoutAndTheSocketStaysUsable() throws Exception {
        Socket[] pair = connectedPair();
        Socket c = pair[0];
        Socket s = pair[1];
        Greenlet<String> g = hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(30))) {
                s.getInputStream().read();
                return "read";
            } catch (Timeout e) {
                c.getOutputStream().write(9);
                return "timeout, then " + s.getInputStream().read();
            }
        });
        assertEquals("timeout, then 9", g.get());
        c.close();
        s.close();
    }

    @Test
    void nioBlockingChannelsAndSelectorWakeup() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open()) {
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Greenlet<String> srv = hub.spawn(() -> {
                try (SocketChannel ch = ssc.accept()) {
                    ByteBuffer b = ByteBuffer.allocate(3);
                    while (b.hasRemaining()) {
                        ch.read(b);
                    }
                    b.flip();
                    ch.write(b);
                    return "served";
                }
            });
            Greenlet<String> cli = hub.spawn(() -> {
                try (SocketChannel ch = SocketChannel.open(ssc.getLocalAddress())) {
                    ch.write(ByteBuffer.wrap("abc".getBytes()));
                    ByteBuffer b = ByteBuffer.allocate(3);
                    while (b.hasRemaining()) {
                        ch.read(b);
                    }
                    return new String(b.array());
                }
            });
            assertEquals("abc", cli.get());
            assertEquals("served", srv.get());
        }
        try (Selector sel = Selector.open()) {
            assertEquals(0, hub.spawn(() -> sel.select(20)).get());
            Greenlet<Integer> selecting = hub.spawn(() -> sel.select()); // only wakeup() can end it
            hub.spawn(() -> {
                Thread.sleep(20);
                sel.wakeup();
                return null;
            });
            assertEquals(0, selecting.get(Duration.ofSeconds(10)));
        }
    }

    @Test
    void selectorReportsReadyChannel() throws Exception {
        try (ServerSocketChannel ssc = ServerSocketChannel.open(); Selector sel = Selector.open()) {
            ssc.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ssc.configureBlocking(false);
            ssc.register(sel, SelectionKey.OP_ACCEPT);
            Greenlet<Integer> g = hub.spawn(() -> sel.select());
            Greenlet<SocketChannel> connector = hub.spawn(() -> {
                Thread.sleep(20);
                return SocketChannel.open(ssc.getLocalAddress());
            });
            assertEquals(1, g.get(Duration.ofSeconds(10)));
            connector.get().close();
        }
    }

    @Test
    void platformThreadSocketsKeepTheJdkBehaviour() throws Exception {
        try (Socket c = connect(); Socket s = server.accept()) {
            s.setSoTimeout(20);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            c.getOutputStream().write(1);
            assertEquals(1, s.getInputStream().read());
        }
    }
}
