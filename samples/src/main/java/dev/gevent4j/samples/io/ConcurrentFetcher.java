package dev.gevent4j.samples.io;

import dev.gevent4j.Gevent;
import dev.gevent4j.io.StreamServer;
import dev.gevent4j.pool.Pool;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Downloads N URLs from a local HTTP server with plain {@link HttpURLConnection}, through a {@link Pool} of 50
 * greenlets, printing a progress line and a summary (gevent's classic concurrent-download example).
 *
 * <pre>{@code
 * mvn -q -pl samples -am verify -Pdemo -DskipTests -Dsample=dev.gevent4j.samples.io.ConcurrentFetcher
 * mvn -q -pl samples -am verify -Pdemo -DskipTests -Dsample=dev.gevent4j.samples.io.ConcurrentFetcher -DsampleArgs=2000
 * }</pre>
 *
 * <p>The server ({@link HttpServerSample}) runs on the same hub as the fetchers: the blocking HttpURLConnection
 * calls park greenlets, so one thread both serves and fetches.
 */
public final class ConcurrentFetcher {
    private ConcurrentFetcher() {}

    /** What a run did. */
    public record Summary(int requested, int ok, int failed, long bytes, int peakConcurrency, long millis) {}

    /** Fetches {@code urls} through a pool of {@code poolSize} greenlets. MUST be called from a greenlet. */
    public static Summary fetchAll(List<URI> urls, int poolSize, boolean printProgress) {
        Pool pool = new Pool(poolSize);
        AtomicInteger done = new AtomicInteger();
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        AtomicLong bytes = new AtomicLong();
        long t0 = System.nanoTime();
        int step = Math.max(1, urls.size() / 10);
        for (URI u : urls) {
            pool.spawn(() -> {
                peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    bytes.addAndGet(fetch(u));
                    ok.incrementAndGet();
                } catch (IOException e) {
                    System.out.println("failed " + u + ": " + e);
                } finally {
                    running.decrementAndGet();
                    int d = done.incrementAndGet();
                    if (printProgress && (d % step == 0 || d == urls.size())) {
                        System.out.printf("progress: %d/%d done, %d in flight%n", d, urls.size(), running.get());
                    }
                }
            });
        }
        pool.join();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        return new Summary(urls.size(), ok.get(), urls.size() - ok.get(), bytes.get(), peak.get(), ms);
    }

    static long fetch(URI u) throws IOException {
        HttpURLConnection c = (HttpURLConnection) u.toURL().openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        try {
            int code = c.getResponseCode();
            if (code != 200) {
                throw new IOException("HTTP " + code);
            }
            try (InputStream in = c.getInputStream()) {
                return in.readAllBytes().length;
            }
        } finally {
            c.disconnect();
        }
    }

    /** Starts a local server, fetches {@code n} URLs from it through a pool of 50, and returns the summary. */
    public static Summary run(int n, boolean print) {
        return Gevent.run(() -> {
            try (StreamServer server = HttpServerSample.start(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
                int port = server.getAddress().getPort();
                List<URI> urls = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    urls.add(URI.create("http://127.0.0.1:" + port + (i % 2 == 0 ? "/" : "/chunked")));
                }
                return fetchAll(urls, 50, print);
            }
        });
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Summary s = run(n, true);
        System.out.printf("summary: %d URLs, %d ok, %d failed, %d bytes, at most %d at once, %d ms%n",
                s.requested(), s.ok(), s.failed(), s.bytes(), s.peakConcurrency(), s.millis());
    }
}
