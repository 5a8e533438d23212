package dev.gevent4j.bench.macro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Workload 1 (spawn 100,000 tasks that each yield once, join them) with gevent's semantics — every task exists
 * before the first runs, and all are parked at once after their yield — on gevent4j and on bare JDK virtual threads
 * scheduled the same way (a one-thread FIFO executor through the JDK's package-private
 * {@code VirtualThreadBuilder(Executor)}), one contender per JVM, run as JMH would: invocations back to back for 3
 * warm-up seconds and 5 measured seconds. It exists to tell which costs of spawn+join belong to those semantics
 * under the collector in use (G1's young-generation sizing, see benchmarks/RESULTS.md) and which to gevent4j: run
 * each contender in several JVMs and compare the spread.
 *
 * <pre>{@code
 * java <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.SpawnJoinRegime gevent4j|vt-fifo [padBytes]
 * }</pre>
 *
 * <p>{@code padBytes} (vt-fifo only) makes each task allocate and keep that many bytes until the join, to mimic a
 * larger per-task footprint. Prints {@code RESULT median_ns X} (the median of the five measured seconds, ns per task)
 * and the five values. Every task ends by itself: no timeout, interrupt or kill.
 */
public final class SpawnJoinRegime {
    private SpawnJoinRegime() {}

    static final int N = 100_000;

    public static void main(String[] args) throws Exception {
        String who = args[0];
        int pad = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        if (!who.equals("gevent4j") && !who.equals("vt-fifo")) {
            throw new IllegalArgumentException("contender is " + who + "; it must be gevent4j or vt-fifo");
        }
        if (pad != 0 && (pad < 16 || !who.equals("vt-fifo"))) {
            throw new IllegalArgumentException("padBytes is " + pad + "; it must be 0, or at least 16 with vt-fifo");
        }
        ExecutorService fifo = Executors.newSingleThreadExecutor();
        Constructor<?> c = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder")
                .getDeclaredConstructor(Executor.class);
        c.setAccessible(true);
        Thread.Builder.OfVirtual fifoBuilder = (Thread.Builder.OfVirtual) c.newInstance(fifo);
        List<Double> seconds = new ArrayList<>();
        try (Hub hub = Hub.create("regime-hub")) {
            for (int s = 0; s < 8; s++) {
                long start = System.nanoTime();
                long end = start + 1_000_000_000L;
                long tasks = 0;
                while (System.nanoTime() < end) {
                    if (who.equals("gevent4j")) {
                        gevent4j(hub);
                    } else {
                        vtFifo(fifoBuilder, pad);
                    }
                    tasks += N;
                }
                if (s >= 3) {
                    seconds.add((System.nanoTime() - start) / (double) tasks);
                }
            }
        } finally {
            fifo.shutdown();
        }
        List<Double> sorted = new ArrayList<>(seconds);
        Collections.sort(sorted);
        System.out.printf("RESULT median_ns %.0f%n", sorted.get(sorted.size() / 2));
        System.out.println("seconds (ns/task): " + seconds);
    }

    private static void gevent4j(Hub hub) {
        hub.spawn(() -> {
            List<Greenlet<?>> gs = new ArrayList<>(N);
            for (int i = 0; i < N; i++) {
                gs.add(Gevent.spawn(() -> Gevent.sleep(0)));
            }
            return Gevent.joinAll(gs).size();
        }).get();
    }

    private static void vtFifo(Thread.Builder.OfVirtual b, int pad) throws InterruptedException {
        Thread spawner = b.start(() -> {
            Thread[] ts = new Thread[N];
            Object[] keep = pad > 0 ? new Object[N] : null;
            for (int i = 0; i < N; i++) {
                int k = i;
                ts[i] = b.start(() -> {
                    if (keep != null) {
                        keep[k] = new byte[pad - 16];
                    }
                    Thread.yield();
                });
            }
            try {
                for (Thread t : ts) {
                    t.join();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("interrupted", e);
            }
        });
        spawner.join();
    }
}
