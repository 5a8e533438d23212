package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.event.Event;
import dev.gevent4j.io.internal.GreenSocket;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reads of gevent4j's sockets skip the {@code read(2)} that can only find nothing: after a read drained the socket
 * (nothing, or fewer bytes than asked) the next one waits for the hub's next edge. These cases pin down when that
 * must not happen.
 */
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class GreenSocketReadTest {
    private Hub hub;
    private ServerSocket server;

    @BeforeEach
    void setUp() throws Exception {
        hub = Hub.create();
        server = hub.spawn(() -> Sockets.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))).get();
    }

    @AfterEach
    void tearDown() throws Exception {
        hub.spawn(() -> {
            server.close();
            return null;
        }).get();
        hub.close();
    }

    /**
     * The FIN comes with the data and its edge is collected before the reader reads: the short read that returns the
     * data must not make the next read wait for an edge that never comes — it sees the end of stream.
     */
    @Test
    void dataThenFinInOneEdgeEndsTheStream() throws Exception {
        Greenlet<Socket> accepted = hub.spawn(() -> server.accept());
        Socket client = hub.spawn(() -> Sockets.connect(server.getLocalSocketAddress())).get();
        GreenSocket s = (GreenSocket) accepted.get();
        Event go = new Event();
        Greenlet<String> reader = hub.spawn(() -> {
            InputStream in = s.getInputStream();
            int first = in.read(); // waits once: the fd joins the hub's epoll
            go.await();
            byte[] b = new byte[100];
            int n = in.read(b);
            return first + " " + n + " " + in.read(b);
        });
        hub.spawn(() -> {
            OutputStream out = client.getOutputStream();
            while (!s.impl().hubFd().isRegistered()) {
                dev.gevent4j.Gevent.sleep(Duration.ofMillis(1)); // until the reader's first wait registered the fd
            }
            out.write(1);
            out.write(new byte[] {2, 3, 4});
            client.shutdownOutput();
            while (!s.impl().hubFd().hangup()) {
                dev.gevent4j.Gevent.sleep(Duration.ofMillis(1)); // until the hub collected the FIN's edge
            }
            go.set();
            return null;
        }).get();
        assertEquals("1 3 -1", reader.get(Duration.ofSeconds(10)));
        hub.spawn(() -> {
            client.close();
            s.close();
            return null;
        }).get();
    }

    /** Four greenlets wait to read one socket at once (two wait slots, then the overflow queue): each gets a byte. */
    @Test
    void fourGreenletsReadingOneSocketEachGetAByte() throws Exception {
        Greenlet<Socket> accepted = hub.spawn(() -> server.accept());
        Socket client = hub.spawn(() -> Sockets.connect(server.getLocalSocketAddress())).get();
        Socket s = accepted.get();
        String got = hub.spawn(() -> {
            java.util.List<Greenlet<Integer>> readers = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(dev.gevent4j.Gevent.spawn(() -> s.getInputStream().read(new byte[1]) == 1 ? 1 : 0));
            }
            dev.gevent4j.Gevent.sleep(Duration.ZERO); // FIFO: each reader ran and waits on the socket
            for (int i = 1; i <= 4; i++) {
                client.getOutputStream().write(i);
                dev.gevent4j.Gevent.sleep(Duration.ZERO);
            }
            int sum = 0;
            for (Greenlet<Integer> r : readers) {
                sum += r.get(Duration.ofSeconds(10));
            }
            return "bytes read " + sum;
        }).get();
        assertEquals("bytes read 4", got);
        hub.spawn(() -> {
            client.close();
            s.close();
            return null;
        }).get();
    }

    /** Many short messages each way: every read after a drained one waits for its edge and gets its message. */
    @Test
    void pingPongOfShortMessages() throws Exception {
        Greenlet<Socket> accepted = hub.spawn(() -> server.accept());
        Socket client = hub.spawn(() -> Sockets.connect(server.getLocalSocketAddress())).get();
        Socket s = accepted.get();
        int rounds = 2_000;
        Greenlet<Integer> echo = hub.spawn(() -> {
            byte[] b = new byte[64];
            int total = 0;
            int n;
            while ((n = s.getInputStream().read(b)) > 0) {
                s.getOutputStream().write(b, 0, n);
                total += n;
            }
            return total;
        });
        Greenlet<Integer> pinger = hub.spawn(() -> {
            byte[] b = new byte[8];
            for (int i = 0; i < rounds; i++) {
                client.getOutputStream().write(new byte[] {(byte) i, 1, 2, 3, 4, 5, 6, 7});
                int got = 0;
                while (got < 8) {
                    got += client.getInputStream().read(b, got, 8 - got);
                }
                assertEquals((byte) i, b[0]);
            }
            client.shutdownOutput();
            return rounds;
        });
        assertEquals(rounds, pinger.get(Duration.ofSeconds(30)));
        assertEquals(rounds * 8, echo.get(Duration.ofSeconds(10)));
        hub.spawn(() -> {
            client.close();
            s.close();
            return null;
        }).get();
    }
}
