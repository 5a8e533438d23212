package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gevent4j.Gevent;
import dev.gevent4j.Hub;
import dev.gevent4j.junit.GeventTest;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/**
 * Each test runs as a greenlet on a hub of its own (@GeventTest, which also checks that the servers' sockets and
 * greenlets are gone after {@code @AfterEach}); the clients are plain DatagramSockets, in greenlets too.
 */
@Timeout(60)
class DatagramServerTest {
    private DatagramServer server;

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    private static String ask(InetSocketAddress to, String msg) throws Exception {
        try (DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            c.setSoTimeout(5000);
            byte[] b = msg.getBytes(StandardCharsets.UTF_8);
            c.send(new DatagramPacket(b, b.length, to));
            DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
            c.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        }
    }

    /** Runs {@code fn} in the test's greenlet (where OnHub.call ran it in a greenlet spawned from outside). */
    private static <T> T call(Callable<T> fn) throws Exception {
        return fn.call();
    }

    @GeventTest
    void echoesEachDatagramFromItsOwnGreenlet(Hub hub) throws Exception {
        server = new DatagramServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (srv, data, peer) -> srv.sendTo(("re:" + new String(data, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8), peer)).hub(hub);
        server.start();
        InetSocketAddress a = server.getAddress();
        assertEquals("re:one", call(() -> ask(a, "one")));
        assertEquals("re:two", ask(a, "two"));
    }

    @GeventTest
    void aFailingHandlerDoesNotStopTheServer(Hub hub) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        server = new DatagramServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (srv, data, peer) -> {
                    calls.incrementAndGet();
                    if (data[0] == 'x') {
                        throw new IllegalStateException("handler failure (expected by the test)");
                    }
                    srv.sendTo(data, peer);
                }).hub(hub);
        server.start();
        InetSocketAddress a = server.getAddress();
        call(() -> {
            try (DatagramSocket c = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                c.send(new DatagramPacket(new byte[] {'x'}, 1, a));
            }
            while (calls.get() < 1) {
                Gevent.sleep(1);
            }
            return null;
        });
        assertEquals("ok", ask(a, "ok"));
    }

    @GeventTest
    void slowHandlersRunConcurrently(Hub hub) throws Exception {
        server = new DatagramServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (srv, data, peer) -> {
                    Gevent.sleep(200);
                    srv.sendTo(data, peer);
                }).hub(hub);
        server.start();
        InetSocketAddress a = server.getAddress();
        long t0 = System.nanoTime();
        call(() -> {
            var gs = new java.util.ArrayList<dev.gevent4j.Greenlet<String>>();
            for (int i = 0; i < 10; i++) {
                int k = i;
                gs.add(Gevent.spawn(() -> ask(a, "m" + k)));
            }
            for (int i = 0; i < 10; i++) {
                assertEquals("m" + i, gs.get(i).get());
            }
            return null;
        });
        long ms = (System.nanoTime() - t0) / 1_000_000;
        // ten 200 ms handlers one after the other would take 2 s
        org.junit.jupiter.api.Assertions.assertTrue(ms < 1500, "took " + ms + " ms");
    }

    @GeventTest
    void stopClosesTheSocket(Hub hub) throws Exception {
        server = new DatagramServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                (srv, data, peer) -> srv.sendTo(data, peer)).hub(hub);
        server.start();
        server.stop(Duration.ZERO);
        assertFalse(server.isServing());
        assertThrows(IllegalStateException.class, () -> server.maxConcurrent(3));
    }
}
