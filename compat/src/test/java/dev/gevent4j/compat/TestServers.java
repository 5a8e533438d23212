package dev.gevent4j.compat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The slow servers the client cases talk to, in the test JVM (no agent), on 127.0.0.1, a free port and virtual
 * threads: each answers after {@link CompatRun#delaySeconds()}. Closing one stops it and closes its connections.
 *
 * <pre>{@code
 * try (TestServers.Http http = TestServers.http()) { ... http.port() ... }
 * }</pre>
 */
final class TestServers {
    private TestServers() {}

    static long delayMillis() {
        return Math.round(CompatRun.delaySeconds() * 1000);
    }

    /** HTTP/1.1: every GET answers 200 "ok" after the delay (the JDK's HttpServer on virtual threads). */
    static final class Http implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

        Http() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
            server.setExecutor(pool);
            server.createContext("/", ex -> {
                try {
                    Thread.sleep(delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "text/plain");
                ex.sendResponseHeaders(200, b.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    /** A line protocol on a plain ServerSocket, one virtual thread per connection (base of the two below). */
    abstract static class LineServer implements AutoCloseable {
        private final ServerSocket server;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private final Thread acceptor;

        LineServer(String name) throws IOException {
            server = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            acceptor = Thread.ofVirtual().name(name + "-accept").start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        open.add(s);
                        Thread.ofVirtual().name(name).start(() -> {
                            try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(),
                                    StandardCharsets.UTF_8)); PrintWriter out = new PrintWriter(
                                    new java.io.OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8), true)) {
                                serve(in, out);
                            } catch (IOException | InterruptedException e) {
                                // the client went away, or close()
                            } finally {
                                open.remove(s);
                            }
                        });
                    } catch (IOException e) {
                        return; // closed
                    }
                }
            });
        }

        abstract void serve(BufferedReader in, PrintWriter out) throws IOException, InterruptedException;

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            for (Socket s : open) {
                s.close();
            }
            acceptor.join();
        }
    }

    /** Reads a line, waits the delay, answers "ok " + the line; until the client closes. */
    static final class Lines extends LineServer {
        Lines() throws IOException {
            super("line-server");
        }

        @Override
        void serve(BufferedReader in, PrintWriter out) throws IOException, InterruptedException {
            String line;
            while ((line = in.readLine()) != null) {
                Thread.sleep(delayMillis());
                out.println("ok " + line);
            }
        }
    }

    /**
     * A small SMTP server (RFC 5321's minimum: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) that accepts every
     * message after the delay and counts them.
     */
    static final class Smtp extends LineServer {
        final AtomicInteger messages = new AtomicInteger();

        Smtp() throws IOException {
            super("smtp-server");
        }

        @Override
        void serve(BufferedReader in, PrintWriter out) throws IOException, InterruptedException {
            reply(out, "220 compat ESMTP");
            String line;
            while ((line = in.readLine()) != null) {
                String cmd = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                switch (cmd) {
                    case "EHLO" -> reply(out, "250-compat\r\n250-8BITMIME\r\n250 SMTPUTF8");
                    case "HELO" -> reply(out, "250 compat");
                    case "MAIL", "RCPT", "RSET", "NOOP" -> reply(out, "250 OK");
                    case "DATA" -> {
                        reply(out, "354 End data with <CR><LF>.<CR><LF>");
                        String l;
                        while ((l = in.readLine()) != null && !l.equals(".")) {
                            // the message: accepted as is
                        }
                        Thread.sleep(delayMillis());
                        messages.incrementAndGet();
                        reply(out, "250 OK queued");
                    }
                    case "QUIT" -> {
                        reply(out, "221 Bye");
                        return;
                    }
                    default -> reply(out, "502 Command not implemented");
                }
            }
        }

        private static void reply(PrintWriter out, String s) {
            out.print(s + "\r\n");
            out.flush();
        }
    }
}
