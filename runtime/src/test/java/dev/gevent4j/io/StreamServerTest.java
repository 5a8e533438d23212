package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.pool.Pool;
import dev.gevent4j.testing.HubPerTest;
import dev.gevent4j.testing.LeakCheck;
import dev.gevent4j.testing.OnHub;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
class StreamServerTest extends HubPerTest {
    static final InetSocketAddress ANY_LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    static final StreamHandler ECHO_LINES = (s, peer) -> {
        BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream();
        String line;
        while ((line = r.readLine()) != null) {
            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
    };

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private StreamServer started(StreamServer s) throws Exception {
        toClose.add(s);
        s.hub(hub).start();
        return s;
    }

    /** Connects, sends {@code line}, returns the first reply line (null on end of stream). */
    static String roundTrip(InetSocketAddress addr, String line) throws IOException {
        try (Socket c = new Socket()) {
            c.connect(addr, 5000);
            c.setSoTimeout(10_000);
            c.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            return new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void portZeroPicksAFreePortAndEchoes() throws Exception {
        StreamServer server = started(new StreamServer(ANY_LOCAL, ECHO_LINES));
        InetSocketAddress a = server.getAddress();
        assertNotEquals(0, a.getPort());
        assertEquals("hello", OnHub.call(hub, () -> roundTrip(a, "hello")));
        assertEquals("from outside", roundTrip(a, "from outside"));
    }

    @Test
    void manyConcurrentClientsOnOneHub() throws Exception {
        StreamServer server = started(new StreamServer(ANY_LOCAL, ECHO_LINES));
        int n = OnHub.call(hub, () -> {
            List<Greenlet<String>> gs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int k = i;
                gs.add(Gevent.spawn(() -> roundTrip(server.getAddress(), "c" + k)));
            }
            int ok = 0;
            for (int i = 0; i < gs.size(); i++) {
                if (("c" + i).equals(gs.get(i).get())) {
                    ok++;
                }
            }
            return ok;
        });
        assertEquals(200, n);
    }

    @Test
    void handlerExceptionClosesThatConnectionOnly() throws Exception {
        StreamServer server = started(new StreamServer(ANY_LOCAL, (s, peer) -> {
            int b = s.getInputStream().read();
            if (b == 'x') {
                throw new IllegalStateException("handler failure (expected by the test)");
            }
            s.getOutputStream().write(b);
        }));
        OnHub.call(hub, () -> {
            try (Socket c = new Socket()) {
                c.connect(server.getAddress(), 5000);
                c.getOutputStream().write('x');
                assertEquals(-1, c.getInputStream().read(), "the failed handler's connection is closed");
            }
            try (Socket c = new Socket()) {
                c.connect(server.getAddress(), 5000);
                c.getOutputStream().write('y');
                assertEquals('y', c.getInputStream().read(), "the server goes on");
            }
            return null;
        });
    }

    /** From a greenlet on the hub: connects, sends a partial message, then closes with a reset (RST). */
    private void resetAfterPartialWrite(StreamServer server) throws Exception {
        OnHub.call(hub, () -> {
            Socket c = new Socket();
            c.connect(server.getAddress(), 5000);
            c.getOutputStream().write("partial".getBytes(StandardCharsets.UTF_8));
            Gevent.sleep(20);
            c.setSoLinger(true, 0); // close sends RST
            c.close();
            return null;
        });
    }

    @Test
    void peerResetMidReadEndsOnlyThatHandler() throws Exception {
        AtomicInteger failures = new AtomicInteger();
        StreamServer server = started(new StreamServer(ANY_LOCAL, (s, peer) -> {
            try {
                s.getInputStream().readAllBytes();
            } catch (IOException e) {
                failures.incrementAndGet();
                throw e;
            }
        }));
        resetAfterPartialWrite(server);
        waitUntil(() -> failures.get() == 1 && server.connectionCount() == 0);
        assertEquals("ok", OnHub.call(hub, () -> roundTrip(started(new StreamServer(ANY_LOCAL, ECHO_LINES))
                .getAddress(), "ok")));
        assertTrue(server.isServing());
    }

    @Test
    void aPeerResetIsNotLoggedAsAHandlerFailure() throws Exception {
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger("dev.gevent4j.io");
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try {
            AtomicInteger ended = new AtomicInteger();
            StreamServer server = started(new StreamServer(ANY_LOCAL, (s, peer) -> {
                try {
                    s.getInputStream().readAllBytes();
                } finally {
                    ended.incrementAndGet();
                }
            }));
            resetAfterPartialWrite(server);
            waitUntil(() -> ended.get() == 1 && server.connectionCount() == 0);
            assertEquals(List.of(), warnings.stream().map(java.util.logging.LogRecord::getMessage).toList());
        } finally {
            jul.removeHandler(h);
        }
    }

    @Test
    void halfCloseLetsTheHandlerReplyAfterEndOfInput() throws Exception {
        StreamServer server = started(new StreamServer(ANY_LOCAL, (s, peer) -> {
            byte[] all = s.getInputStream().readAllBytes(); // until the client's shutdownOutput
            s.getOutputStream().write(("got " + all.length).getBytes(StandardCharsets.UTF_8));
        }));
        String reply = OnHub.call(hub, () -> {
            try (Socket c = new Socket()) {
                c.connect(server.getAddress(), 5000);
                c.getOutputStream().write(new byte[1000]);
                c.shutdownOutput();
                return new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            }
        });
        assertEquals("got 1000", reply);
    }

    @Test
    void aVanishedClientDoesNotDisturbTheServer() throws Exception {
        StreamServer server = started(new StreamServer(ANY_LOCAL, ECHO_LINES));
        OnHub.call(hub, () -> {
            for (int i = 0; i < 20; i++) {
                new Socket(server.getAddress().getAddress(), server.getAddress().getPort()).close();
            }
            return null;
        });
        waitUntil(() -> server.connectionCount() == 0);
        assertEquals("still here", roundTrip(server.getAddress(), "still here"));
    }

    @Test
    void idleTimeoutClosesASlowClient() throws Exception {
        StreamServer server = started(new StreamServer(ANY_LOCAL, ECHO_LINES).idleTimeout(Duration.ofMillis(200)));
        long t0 = System.nanoTime();
        int b = OnHub.call(hub, () -> {
            try (Socket c = new Socket()) {
                c.connect(server.getAddress(), 5000);
                c.getOutputStream().write("no newline yet".getBytes(StandardCharsets.UTF_8));
                c.setSoTimeout(10_000);
                return c.getInputStream().read();
            }
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(-1, b, "the server closed the idle connection");
        assertTrue(ms >= 150, "closed after " + ms + " ms, before the idle timeout");
        assertEquals("active", roundTrip(server.getAddress(), "active"));
    }

    /** A handler that records in {@code peak} how many handlers ran at once; each holds 30 ms, then writes reply. */
    private static StreamHandler peakCounting(AtomicInteger peak, char reply) {
        AtomicInteger running = new AtomicInteger();
        return (s, peer) -> {
            peak.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                Gevent.sleep(30);
                s.getOutputStream().write(reply);
            } finally {
                running.decrementAndGet();
            }
        };
    }

    /** Connects {@code clients} clients at once from greenlets on the hub; returns how many read {@code reply}. */
    private int answered(StreamServer server, int clients, char reply) throws Exception {
        return OnHub.call(hub, () -> {
            List<Greenlet<Integer>> gs = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                gs.add(Gevent.spawn(() -> {
                    try (Socket c = new Socket()) {
                        c.connect(server.getAddress(), 5000);
                        return c.getInputStream().read();
                    }
                }));
            }
            int n = 0;
            for (Greenlet<Integer> g : gs) {
                n += g.get() == reply ? 1 : 0;
            }
            return n;
        });
    }

    @Test
    void maxConnectionsPausesAccepting() throws Exception {
        AtomicInteger peak = new AtomicInteger();
        StreamServer server = started(new StreamServer(ANY_LOCAL, peakCounting(peak, 'k')).maxConnections(3));
        assertEquals(12, answered(server, 12, 'k'));
        assertEquals(3, peak.get());
    }

    @Test
    void aPoolBoundsTheHandlers() throws Exception {
        Pool pool = new Pool(2);
        AtomicInteger peak = new AtomicInteger();
        StreamServer server = started(new StreamServer(ANY_LOCAL, peakCounting(peak, 'p')).pool(pool));
        assertEquals(6, answered(server, 6, 'p'));
        assertEquals(2, peak.get());
    }

    @Test
    void stopWaitsForTheGracePeriodThenKills() throws Exception {
        AtomicInteger finished = new AtomicInteger();
        AtomicInteger killed = new AtomicInteger();
        StreamServer server = started(new StreamServer(ANY_LOCAL, (s, peer) -> {
            int b = s.getInputStream().read();
            try {
                Gevent.sleep(b == 'q' ? 20 : 60_000);
                finished.incrementAndGet();
            } catch (dev.gevent4j.GreenletExit e) {
                killed.incrementAndGet();
                throw e;
            }
        }));
        InetSocketAddress addr = server.getAddress();
        OnHub.call(hub, () -> {
            Socket quick = new Socket();
            Socket slow = new Socket();
            try {
                quick.connect(addr, 5000);
                slow.connect(addr, 5000);
                quick.getOutputStream().write('q');
                slow.getOutputStream().write('s');
                waitUntilOnHub(() -> server.connectionCount() == 2);
                Gevent.sleep(5);
                long t0 = System.nanoTime();
                server.stop(Duration.ofMillis(300));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(ms >= 250, "stop returned after " + ms + " ms, before the grace period");
            } finally {
                quick.close();
                slow.close();
            }
            return null;
        });
        assertEquals(1, finished.get());
        assertEquals(1, killed.get());
        assertFalse(server.isServing());
        assertThrows(IOException.class, () -> roundTrip(addr, "closed"));
    }

    @Test
    void serveForeverReturnsWhenStoppedAndStopsWhenKilled() throws Exception {
        StreamServer a = new StreamServer(ANY_LOCAL, ECHO_LINES).hub(hub);
        toClose.add(a);
        a.start();
        Greenlet<Void> serving = hub.spawn(() -> {
            try {
                a.serveForever();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertEquals("x", roundTrip(a.getAddress(), "x"));
        serving.kill();
        assertFalse(a.isServing(), "a killed serveForever stops the server");
    }

    @Test
    void reusePortLetsTwoServersShareAPort() throws Exception {
        StreamServer a = started(new StreamServer(ANY_LOCAL, ECHO_LINES).reusePort(true));
        StreamServer b = started(new StreamServer(a.getAddress(), ECHO_LINES).reusePort(true));
        assertEquals(a.getAddress(), b.getAddress());
        assertEquals("shared", roundTrip(b.getAddress(), "shared"));
    }

    @Test
    void bindingABusyPortIsAnIOExceptionAndOptionsAfterStartAreRefused() throws Exception {
        StreamServer a = started(new StreamServer(ANY_LOCAL, ECHO_LINES).reuseAddress(false));
        StreamServer b = new StreamServer(a.getAddress(), ECHO_LINES).hub(hub);
        assertThrows(IOException.class, b::start);
        assertThrows(IllegalStateException.class, () -> a.maxConnections(5));
        assertThrows(IllegalArgumentException.class, () -> new StreamServer(70000, ECHO_LINES));
        assertThrows(IllegalArgumentException.class, () -> new StreamServer(ANY_LOCAL, ECHO_LINES).idleTimeout(
                Duration.ZERO));
    }

    @Test
    void tlsServesATrustingClientAndSurvivesAFailedHandshake() throws Exception {
        SSLContext serverCtx = TestTls.server();
        SSLContext good = TestTls.trustingClient();
        StreamServer server = started(new StreamServer(ANY_LOCAL, ECHO_LINES).ssl(serverCtx)
                .idleTimeout(Duration.ofSeconds(5)));
        InetSocketAddress a = server.getAddress();
        OnHub.call(hub, () -> {
            // a client that does not trust the certificate: its handshake fails, the server logs and goes on
            SSLContext untrusting = SSLContext.getInstance("TLS");
            untrusting.init(null, null, null);
            try (SSLSocket bad = (SSLSocket) untrusting.getSocketFactory().createSocket()) {
                bad.connect(a, 5000);
                assertThrows(SSLHandshakeException.class, bad::startHandshake);
            }
            // a client that speaks plain text to the TLS port: the server's handshake fails
            try (Socket plain = new Socket()) {
                plain.connect(a, 5000);
                plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                InputStream in = plain.getInputStream();
                while (in.read() >= 0) {
                    // drain the server's alert until it closes
                }
            } catch (IOException e) {
                // a reset is fine too: the server closed the connection
            }
            try (SSLSocket ok = (SSLSocket) good.getSocketFactory().createSocket()) {
                ok.connect(a, 5000);
                ok.getOutputStream().write("secure\n".getBytes(StandardCharsets.UTF_8));
                ok.getOutputStream().flush();
                String line = new BufferedReader(new InputStreamReader(ok.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertEquals("secure", line);
            }
            return null;
        });
    }

    static void waitUntil(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }

    static void waitUntilOnHub(java.util.function.BooleanSupplier cond) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Gevent.sleep(2);
        }
    }
}
