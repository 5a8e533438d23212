package dev.gevent4j.compat.apps;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A thread-per-request server on the JDK's own HttpServer with a fixed pool of 200 threads; each request takes
 * {@link Probe#DELAY_MILLIS} (a sleep). Load: n concurrent GETs. Args: [n].
 */
public final class JdkHttpServerApp {
    static final Probe P = new Probe();

    public static void main(String[] args) throws Exception {
        int n = Probe.arg(args, 0, 200);
        ExecutorService pool = Executors.newFixedThreadPool(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(pool);
        server.createContext("/", ex -> {
            try {
                Probe.slowWork();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            P.handled();
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        server.start();
        int port = server.getAddress().getPort();
        new Probe().onLoadThreads(10, i -> Http.get(port, "/warm"));
        P.begin();
        P.onLoadThreads(n, i -> check(Http.get(port, "/slow/" + i)));
        P.end("jdk-httpserver", n);
        server.stop(0);
        pool.shutdownNow();
        System.exit(0);
    }

    static void check(String body) {
        if (!"ok".equals(body)) {
            throw new IllegalStateException("body " + body);
        }
    }
}
