package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Hub;
import dev.gevent4j.HubGroup;
import dev.gevent4j.testing.LeakCheck;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** StreamServer and DatagramServer on a {@link HubGroup}, with real sockets on 127.0.0.1. */
@ExtendWith(LeakCheck.class)
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(60)
class GroupServersTest {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void streamServerSpreadsConnectionsOverEveryHubAndEchoesEveryByte() throws Exception {
        int connections = 64;
        int bytes = 64 * 1024;
        Map<Hub, AtomicInteger> perHub = new ConcurrentHashMap<>();
        AtomicInteger movedHub = new AtomicInteger();
        StreamHandler echo = (s, peer) -> {
            Hub at = Hub.current();
            perHub.computeIfAbsent(at, h -> new AtomicInteger()).incrementAndGet();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                s.getOutputStream().write(buf, 0, n);
            }
            if (Hub.current() != at) {
                movedHub.incrementAndGet();
            }
        };
        try (HubGroup group = HubGroup.create(4);
             StreamServer server = new StreamServer(LOOPBACK, echo).hubs(group)) {
            server.start();
            InetSocketAddress addr = server.getAddress();
            ExecutorService clients = Executors.newFixedThreadPool(8);
            try {
                List<Future<Boolean>> results = new ArrayList<>();
                for (int c = 0; c < connections; c++) {
                    long seed = c;
                    results.add(clients.submit(() -> echoedExactly(addr, bytes, seed)));
                }
                for (Future<Boolean> f : results) {
                    assertTrue(f.get(30, TimeUnit.SECONDS), "a connection did not get its bytes back");
                }
            } finally {
                clients.shutdown();
                assertTrue(clients.awaitTermination(10, TimeUnit.SECONDS));
            }
            assertEquals(connections, perHub.values().stream().mapToInt(AtomicInteger::get).sum());
            // 64 connections over 4 SO_REUSEPORT listeners: a hub left out has odds of 4 * (3/4)^64, about 1e-8
            assertEquals(4, perHub.size(), "connections per hub: " + perHub);
            for (Hub h : perHub.keySet()) {
                assertTrue(group.contains(h));
            }
            assertEquals(0, movedHub.get(), "a connection's greenlet changed hub");
        }
    }

    private static boolean echoedExactly(InetSocketAddress addr, int bytes, long seed) throws Exception {
        byte[] sent = new byte[bytes];
        new Random(seed).nextBytes(sent);
        try (Socket c = new Socket()) {
            c.connect(addr, 5000);
            c.setSoTimeout(20_000);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    c.getOutputStream().write(sent);
                    c.shutdownOutput();
                } catch (Exception e) {
                    // the reader below sees the short echo
                }
            });
            byte[] got = c.getInputStream().readAllBytes();
            writer.join(20_000);
            assertFalse(writer.isAlive());
            assertArrayEquals(sent, got);
            return true;
        }
    }

    @Test
    void stopKillsTheHandlersOfEveryHubAndClosesEveryListener() throws Exception {
        AtomicInteger started = new AtomicInteger();
        StreamHandler idle = (s, peer) -> {
            started.incrementAndGet();
            s.getInputStream().read(); // until killed
        };
        try (HubGroup group = HubGroup.create(2)) {
            StreamServer server = new StreamServer(LOOPBACK, idle).hubs(group).start();
            InetSocketAddress addr = server.getAddress();
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 16; i++) {
                    Socket c = new Socket();
                    c.connect(addr, 5000);
                    open.add(c);
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (server.connectionCount() < 16) {
                    assertTrue(System.nanoTime() < deadline, "only " + server.connectionCount() + " served");
                    dev.gevent4j.Gevent.sleep(5);
                }
                server.stop(Duration.ZERO);
                assertFalse(server.isServing());
                assertEquals(0, server.connectionCount());
                for (Socket c : open) {
                    c.setSoTimeout(10_000);
                    assertEquals(-1, c.getInputStream().read(), "the server closed each connection");
                }
                Socket late = new Socket();
                assertThrows(java.net.ConnectException.class, () -> late.connect(addr, 5000),
                        "a listener of one hub is still open");
                late.close();
                for (Hub h : group.hubs()) {
                    assertEquals(0, h.snapshotStats().liveGreenlets(), h.toString());
                }
            } finally {
                for (Socket c : open) {
                    c.close();
                }
            }
        }
    }

    @Test
    void oneHubOrOneGroupNotBoth() {
        try (HubGroup group = HubGroup.create(2)) {
            Hub lone = group.hubs().get(0);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new StreamServer(LOOPBACK, (s, p) -> { }).hub(lone).hubs(group));
            assertTrue(e.getMessage().contains("not both"), e.getMessage());
            assertThrows(IllegalStateException.class,
                    () -> new DatagramServer(LOOPBACK, (s, d, p) -> { }).hubs(group).hub(lone));
            assertThrows(NullPointerException.class, () -> new StreamServer(LOOPBACK, (s, p) -> { }).hubs(null));
        }
        HubGroup closed = HubGroup.create(1);
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new StreamServer(LOOPBACK, (s, p) -> { }).hubs(closed).start());
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void datagramServerReceivesOnEveryHubAndRepliesFromItsPort() throws Exception {
        int peers = 32;
        int perPeer = 10;
        Map<Hub, AtomicInteger> perHub = new ConcurrentHashMap<>();
        DatagramHandler echo = (srv, data, peer) -> {
            perHub.computeIfAbsent(Hub.current(), h -> new AtomicInteger()).incrementAndGet();
            srv.sendTo(data, peer);
        };
        try (HubGroup group = HubGroup.create(4);
             DatagramServer server = new DatagramServer(LOOPBACK, echo).hubs(group)) {
            server.start();
            InetSocketAddress addr = server.getAddress();
            List<DatagramSocket> socks = new ArrayList<>();
            try {
                for (int p = 0; p < peers; p++) {
                    DatagramSocket d = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    d.setSoTimeout(200);
                    socks.add(d);
                }
                for (int p = 0; p < peers; p++) {
                    DatagramSocket d = socks.get(p);
                    for (int i = 0; i < perPeer; i++) {
                        byte[] msg = ("peer " + p + " msg " + i).getBytes();
                        DatagramPacket reply = new DatagramPacket(new byte[256], 256);
                        boolean got = false;
                        // UDP may drop: resend a bounded number of times, each wait bounded by SO_TIMEOUT
                        for (int attempt = 0; attempt < 25 && !got; attempt++) {
                            d.send(new DatagramPacket(msg, msg.length, addr));
                            try {
                                d.receive(reply);
                                got = true;
                            } catch (java.net.SocketTimeoutException e) {
                                // resend
                            }
                        }
                        assertTrue(got, "no echo for peer " + p + " message " + i);
                        assertEquals(new String(msg), new String(reply.getData(), 0, reply.getLength()));
                        assertEquals(addr.getPort(), reply.getPort(), "the reply came from another port");
                    }
                }
            } finally {
                for (DatagramSocket d : socks) {
                    d.close();
                }
            }
            assertTrue(perHub.size() >= 2, "datagrams of 32 peers all reached one hub: " + perHub);
            for (Hub h : perHub.keySet()) {
                assertSame(group, h.group());
            }
        }
    }
}
