package dev.gevent4j;

import java.util.ArrayList;
import java.util.List;
import dev.gevent4j.lock.Semaphore;

/**
 * Not a test: the measurement behind HubGroup's placement policy (round-robin vs least-loaded). Run with the test
 * class path and the JVM flags of the README:
 *
 * <pre>{@code
 * java -cp runtime/target/classes:runtime/target/test-classes:$(cat cp.txt) --add-opens ... dev.gevent4j.HubGroupPlacementHarness
 * }</pre>
 *
 * <p>Three workloads from one outside thread, medians of 5 rounds after 2 warm-up rounds, per policy:
 * spawn+join of 20,000 empty greenlets (placement overhead); 2,000 equal CPU tasks of ~200 us (throughput);
 * 2,000 tasks alternating 1 ms and 50 us with at most 4 in flight (a pattern that aliases round-robin), the window
 * a gevent4j Semaphore so the spawner's wait releases the outside-start hold at once.
 */
public final class HubGroupPlacementHarness {
    private static volatile long sink;

    public static void main(String[] args) throws Exception {
        int hubs = args.length > 0 ? Integer.parseInt(args[0]) : Runtime.getRuntime().availableProcessors();
        for (HubGroup.Placement p : HubGroup.Placement.values()) {
            try (HubGroup g = HubGroup.create(hubs, p)) {
                long[] empty = new long[7];
                long[] equal = new long[7];
                long[] skew = new long[7];
                for (int r = 0; r < 7; r++) {
                    empty[r] = emptySpawns(g, 20_000);
                    equal[r] = equalTasks(g, 2_000);
                    skew[r] = skewed(g, 2_000, 4);
                }
                System.out.printf("%s hubs=%d: empty spawn+join %.0f ns/greenlet; equal 200us tasks %.1f ms;"
                        + " skewed 1ms/50us window 4: %.1f ms%n", p, hubs, median(empty) / 20_000.0,
                        median(equal) / 1e6, median(skew) / 1e6);
            }
        }
    }

    private static double median(long[] xs) {
        long[] m = java.util.Arrays.copyOfRange(xs, 2, xs.length);
        java.util.Arrays.sort(m);
        return m[m.length / 2];
    }

    private static long emptySpawns(HubGroup g, int n) {
        long t0 = System.nanoTime();
        List<Greenlet<?>> gs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            gs.add(g.spawn(() -> { }));
        }
        Gevent.joinAll(gs);
        return System.nanoTime() - t0;
    }

    private static long equalTasks(HubGroup g, int n) {
        long t0 = System.nanoTime();
        List<Greenlet<?>> gs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            gs.add(g.spawn(() -> burn(200_000)));
        }
        Gevent.joinAll(gs);
        return System.nanoTime() - t0;
    }

    private static long skewed(HubGroup g, int n, int window) {
        Semaphore inFlight = new Semaphore(window);
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            long nanos = i % 2 == 0 ? 1_000_000 : 50_000;
            g.spawn(() -> {
                try {
                    burn(nanos);
                } finally {
                    inFlight.release();
                }
            });
        }
        for (int i = 0; i < window; i++) {
            inFlight.acquire();
        }
        return System.nanoTime() - t0;
    }

    private static void burn(long nanos) {
        long end = System.nanoTime() + nanos;
        long x = 0;
        while (System.nanoTime() < end) {
            for (int k = 0; k < 100; k++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        sink = x;
    }
}
