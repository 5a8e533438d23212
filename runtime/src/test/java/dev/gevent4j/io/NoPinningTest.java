package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.testing.HubPerTest;
import dev.gevent4j.testing.LeakCheck;
import dev.gevent4j.testing.OnHub;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nothing in the io paths pins a greenlet: with JFR's {@code jdk.VirtualThreadPinned} enabled at threshold 0, a
 * workload of plain and TLS sockets, an HTTP exchange with HttpURLConnection, subprocess pipes and the thread pool,
 * all on greenlets, records no pinned event.
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class NoPinningTest extends HubPerTest {
    @Test
    void socketsTlsHttpSubprocessesAndThePoolNeverPin() throws Exception {
        javax.net.ssl.SSLContext serverCtx = TestTls.server();
        javax.net.ssl.SSLContext clientCtx = TestTls.trustingClient();
        List<String> pinned = new ArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
            rs.onEvent("jdk.VirtualThreadPinned", (RecordedEvent e) -> {
                synchronized (pinned) {
                    pinned.add(String.valueOf(e.getStackTrace()));
                }
            });
            rs.startAsync();
            OnHub.call(hub, () -> {
                InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
                try (StreamServer plain = new StreamServer(local, StreamServerTest.ECHO_LINES).start();
                     StreamServer tls = new StreamServer(local, StreamServerTest.ECHO_LINES).ssl(serverCtx).start();
                     StreamServer http = new StreamServer(local, (s, peer) -> {
                         BufferedReader r = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                 StandardCharsets.US_ASCII));
                         while (!r.readLine().isEmpty()) {
                             // skip the request head
                         }
                         s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                 .getBytes(StandardCharsets.US_ASCII));
                     }).start()) {
                    List<Greenlet<?>> work = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        int k = i;
                        work.add(Gevent.spawn(() -> StreamServerTest.roundTrip(plain.getAddress(), "p" + k)));
                        work.add(Gevent.spawn(() -> {
                            try (SSLSocket c = (SSLSocket) clientCtx.getSocketFactory().createSocket()) {
                                c.connect(tls.getAddress(), 5000);
                                c.getOutputStream().write(("t" + k + "\n").getBytes(StandardCharsets.UTF_8));
                                c.getOutputStream().flush();
                                return new BufferedReader(new InputStreamReader(c.getInputStream(),
                                        StandardCharsets.UTF_8)).readLine();
                            }
                        }));
                    }
                    work.add(Gevent.spawn(() -> {
                        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:"
                                + http.getAddress().getPort() + "/").toURL().openConnection();
                        try {
                            return new String(c.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                        } finally {
                            c.disconnect();
                        }
                    }));
                    work.add(Gevent.spawn(() -> Subprocess.run(List.of("sh", "-c", "sleep 0.1; echo x"),
                            Duration.ofSeconds(10)).stdoutText()));
                    work.add(Gevent.spawn(() -> hub.threadPool().submit(() -> 1 + 1).get()));
                    Gevent.joinAllOrRaise(work);
                }
                return null;
            });
            rs.stop(); // flushes, and returns once every recorded event was delivered to onEvent
        }
        assertEquals(List.of(), pinned, "greenlets were pinned");
    }

    /** The control: the same recording does see a greenlet that parks inside a class initializer (that pins). */
    @Test
    void theCheckSeesARealPin() throws Exception {
        List<String> pinned = new ArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO);
            rs.onEvent("jdk.VirtualThreadPinned", e -> {
                synchronized (pinned) {
                    pinned.add(e.toString());
                }
            });
            rs.startAsync();
            OnHub.call(hub, () -> SleepsInClinit.VALUE);
            rs.stop();
        }
        org.junit.jupiter.api.Assertions.assertFalse(pinned.isEmpty(), "a park in <clinit> was not reported");
    }

    private static final class SleepsInClinit {
        static final int VALUE;

        static {
            try {
                Thread.sleep(20); // a virtual thread cannot unmount inside a class initializer: it pins
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            VALUE = 1;
        }
    }
}
