package dev.gevent4j.samples.io;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.io.Subprocess;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Streams 1 MB of random lines through {@code sort} while other greenlets keep working: one greenlet writes the
 * child's stdin, one reads its stdout, and a ticker greenlet counts how often it ran meanwhile. Making the input
 * and checking the output (CPU work) run on the hub's thread pool.
 *
 * <pre>{@code
 * mvn -q -pl samples -am verify -Pdemo -DskipTests -Dsample=dev.gevent4j.samples.io.SubprocessPipeline
 * }</pre>
 */
public final class SubprocessPipeline {
    private SubprocessPipeline() {}

    /** What a run did. */
    public record Summary(int bytesIn, int bytesOut, int lines, boolean sorted, int exitCode, int tickerRuns,
                          long millis) {}

    /** Runs the pipeline on {@code bytes} of input. */
    public static Summary run(int bytes) {
        return Gevent.run(() -> {
            // CPU work goes to the hub's thread pool, so the hub keeps running greenlets meanwhile
            byte[] input = Gevent.getHub().threadPool().apply(() -> randomLines(bytes, 42));
            AtomicInteger ticks = new AtomicInteger();
            long t0 = System.nanoTime();
            ProcessBuilder pb = new ProcessBuilder("sort");
            pb.environment().put("LC_ALL", "C"); // byte order, as String.compareTo checks it
            try (Subprocess sort = Subprocess.start(pb)) {
                Greenlet<Void> writer = Gevent.spawn(() -> {
                    try (OutputStream in = sort.stdin()) {
                        for (int off = 0; off < input.length; off += 64 * 1024) {
                            in.write(input, off, Math.min(64 * 1024, input.length - off));
                        }
                    }
                    return null;
                });
                Greenlet<byte[]> reader = Gevent.spawn(() -> sort.stdout().readAllBytes());
                Greenlet<Void> ticker = Gevent.spawn(() -> {
                    while (!reader.isDead()) {
                        ticks.incrementAndGet();
                        Gevent.sleep(1);
                    }
                });
                byte[] out = reader.get();
                writer.get();
                ticker.join();
                int code = sort.waitFor(Duration.ofSeconds(30));
                int[] lineCount = new int[1];
                boolean sorted = Gevent.getHub().threadPool().apply(() -> {
                    String[] lines = new String(out, StandardCharsets.UTF_8).split("\n");
                    lineCount[0] = lines.length;
                    for (int i = 1; i < lines.length; i++) {
                        if (lines[i - 1].compareTo(lines[i]) > 0) {
                            return false;
                        }
                    }
                    return true;
                });
                return new Summary(input.length, out.length, lineCount[0], sorted, code, ticks.get(),
                        (System.nanoTime() - t0) / 1_000_000);
            }
        });
    }

    /** Lines of 15 random lowercase letters, about {@code bytes} bytes in all. */
    static byte[] randomLines(int bytes, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(bytes + 16);
        while (sb.length() < bytes) {
            for (int i = 0; i < 15; i++) {
                sb.append((char) ('a' + r.nextInt(26)));
            }
            sb.append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    public static void main(String[] args) {
        Summary s = run(1 << 20);
        System.out.printf("sorted %d bytes (%d lines) through `sort` in %d ms: output %d bytes, in order: %s, exit %d%n",
                s.bytesIn(), s.lines(), s.millis(), s.bytesOut(), s.sorted(), s.exitCode());
        System.out.printf("meanwhile a ticker greenlet ran %d times on the same hub thread%n", s.tickerRuns());
    }
}
