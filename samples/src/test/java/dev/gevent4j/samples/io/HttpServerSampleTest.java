package dev.gevent4j.samples.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.io.StreamServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class HttpServerSampleTest {
    private StreamServer server;
    private InetSocketAddress addr;
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            // the monitor's stall report says the machine was slow (a loaded CI host), not that the server misbehaved
            boolean stall = r.getMessage() != null && r.getMessage().startsWith("hub {0} has not returned to its loop");
            if (r.getLevel().intValue() >= Level.WARNING.intValue() && !stall) {
                synchronized (warnings) {
                    warnings.add(r);
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void setUp() throws IOException {
        Logger.getLogger("dev.gevent4j").addHandler(capture);
        server = HttpServerSample.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        addr = server.getAddress();
    }

    @AfterEach
    void tearDown() {
        server.close();
        Logger.getLogger("dev.gevent4j").removeHandler(capture);
        synchronized (warnings) {
            assertEquals(List.of(), warnings.stream().map(r -> r.getMessage() + " " + r.getThrown()).toList(),
                    "the server logged warnings or stack traces");
        }
    }

    /** Sends {@code raw}, then reads until the server closes (or 5 s pass); returns everything received. */
    private String exchange(byte[] raw, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(addr, 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(raw);
            out.flush();
            if (halfClose) {
                s.shutdownOutput();
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                in.transferTo(got);
            } catch (IOException e) {
                // a reset after the 400 is acceptable: the server closed
            }
            return got.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnectionWithBothBodyKinds() throws IOException {
        String all = exchange(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET /chunked HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), false);
        assertEquals(4, all.split("HTTP/1.1 200 OK", -1).length - 1, all);
        assertTrue(all.contains("Content-Length: 14\r\n\r\nHello, World!\n"), all);
        assertTrue(all.contains("Transfer-Encoding: chunked\r\n\r\n8\r\nchunk 1\n\r\n"), all);
        assertTrue(all.contains("0\r\n\r\n"), all);
        assertTrue(all.contains("Content-Length: 5\r\n\r\nhello"), all);
        assertTrue(all.endsWith("Connection: close\r\n\r\nHello, World!\n"), "closed after Connection: close");
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws IOException {
        String r = exchange(ascii("GET / HTTP/1.0\r\n\r\nGET / HTTP/1.0\r\n\r\n"), false);
        assertEquals(1, r.split("HTTP/1.1 200", -1).length - 1, r);
    }

    @Test
    void malformedRequestsGet400AndAClosedConnection() throws IOException {
        for (String bad : List.of("GARBAGE\r\n\r\n", "GET /\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
                "GET / HTTP/1.1\r\nNoColon\r\n\r\n", "GET / HTTP/1.1\r\nContent-Length: -4\r\n\r\n",
                "GET / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "get / HTTP/1.1\r\n\r\n")) {
            String r = exchange(ascii(bad + "GET / HTTP/1.1\r\n\r\n"), false);
            assertTrue(r.startsWith("HTTP/1.1 400 Bad Request\r\n"), bad + " -> " + r);
            assertEquals(1, r.split("HTTP/1.1 ", -1).length - 1, "the connection was closed after the 400: " + r);
        }
        String r = exchange(ascii("GET / HTTP/1.1\r\nX: " + "a".repeat(20_000) + "\r\n\r\n"), false);
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
    }

    @Test
    void garbageBytesNeverCrashTheServer() throws IOException {
        Random rnd = new Random(7);
        for (int i = 0; i < 100; i++) {
            byte[] junk = new byte[1 + rnd.nextInt(3000)];
            rnd.nextBytes(junk);
            String r = exchange(junk, true);
            assertTrue(r.isEmpty() || r.startsWith("HTTP/1.1 400"), r);
        }
        assertTrue(exchange(ascii("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), false)
                .endsWith("Hello, World!\n"), "the server still serves after the garbage");
    }

    @Test
    void truncatedRequestAndVanishingClientsAreQuiet() throws IOException {
        assertEquals("", exchange(ascii("GET / HTTP/1.1\r\nHost"), true).replaceAll("^HTTP/1.1 400[\\s\\S]*", ""));
        for (int i = 0; i < 20; i++) {
            new Socket(addr.getAddress(), addr.getPort()).close();
        }
        assertTrue(exchange(ascii("GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), false).contains("200 OK"));
    }

    @Test
    void concurrentKeepAliveClientsFromGreenlets() {
        int ok = Gevent.run(() -> {
            List<dev.gevent4j.Greenlet<Integer>> gs = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                gs.add(Gevent.spawn(() -> {
                    StringBuilder req = new StringBuilder();
                    for (int i = 0; i < 9; i++) {
                        req.append("GET / HTTP/1.1\r\n\r\n");
                    }
                    req.append("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
                    String r = exchange(ascii(req.toString()), false);
                    return r.split("200 OK", -1).length - 1;
                }));
            }
            int n = 0;
            for (var g : gs) {
                n += g.get();
            }
            return n;
        });
        assertEquals(500, ok);
    }
}
