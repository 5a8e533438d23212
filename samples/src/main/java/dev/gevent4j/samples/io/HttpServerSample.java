package dev.gevent4j.samples.io;

import dev.gevent4j.io.StreamServer;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A small HTTP/1.1 server on {@link StreamServer}: keep-alive, Content-Length and chunked responses, 400 and a closed
 * connection for a malformed request, and never a crash or a stack trace on garbage bytes.
 *
 * <pre>{@code
 * mvn -q -pl samples -am verify -Pdemo -DskipTests -Dsample=dev.gevent4j.samples.io.HttpServerSample
 * curl -i http://127.0.0.1:8080/   ;   curl -i http://127.0.0.1:8080/chunked
 * wrk -t2 -c100 -d10s http://127.0.0.1:8080/
 * }</pre>
 *
 * <p>Routes: {@code /} (a Content-Length body), {@code /chunked} (a chunked body in five chunks), {@code /echo}
 * (echoes the request body), anything else 404. Connections idle for 30 s are closed. The server runs until the
 * process is stopped; {@code -DsampleArgs=PORT} picks another port (0: any free port).
 */
public final class HttpServerSample {
    private HttpServerSample() {}

    static final byte[] HELLO = "Hello, World!\n".getBytes(StandardCharsets.US_ASCII);

    /** Starts the server on {@code address}; the caller closes it. */
    public static StreamServer start(InetSocketAddress address) throws IOException {
        return new StreamServer(address, HttpServerSample::serve)
                .idleTimeout(Duration.ofSeconds(30))
                .backlog(1024)
                .start();
    }

    static void serve(Socket socket, InetSocketAddress peer) throws IOException {
        InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
        OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
        while (true) {
            HttpRequest req;
            try {
                req = HttpRequest.read(in);
            } catch (HttpRequest.BadRequest e) {
                respond(out, 400, "Bad Request", ("400 Bad Request: " + e.getMessage() + "\n")
                        .getBytes(StandardCharsets.US_ASCII), false);
                out.flush();
                return; // the server closes the connection
            }
            if (req == null) {
                return;
            }
            boolean keepAlive = req.keepAlive();
            switch (req.target()) {
                case "/" -> respond(out, 200, "OK", HELLO, keepAlive);
                case "/echo" -> respond(out, 200, "OK", req.body(), keepAlive);
                case "/chunked" -> respondChunked(out, keepAlive);
                default -> respond(out, 404, "Not Found", "404 Not Found\n".getBytes(StandardCharsets.US_ASCII),
                        keepAlive);
            }
            out.flush();
            if (!keepAlive) {
                return;
            }
        }
    }

    private static void respond(OutputStream out, int code, String reason, byte[] body, boolean keepAlive)
            throws IOException {
        String head = "HTTP/1.1 " + code + " " + reason + "\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.length + "\r\n"
                + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n";
        out.write(head.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
    }

    private static void respondChunked(OutputStream out, boolean keepAlive) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nTransfer-Encoding: chunked\r\n"
                + (keepAlive ? "" : "Connection: close\r\n") + "\r\n").getBytes(StandardCharsets.US_ASCII));
        for (int i = 1; i <= 5; i++) {
            byte[] chunk = ("chunk " + i + "\n").getBytes(StandardCharsets.US_ASCII);
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(chunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        StreamServer server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        System.out.println("HTTP server on http://127.0.0.1:" + server.getAddress().getPort()
                + "/ (routes: /, /chunked, /echo); Ctrl-C to stop");
        server.serveForever();
    }
}
