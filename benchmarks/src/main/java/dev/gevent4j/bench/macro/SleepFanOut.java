package dev.gevent4j.bench.macro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Workload 5 (sleep fan-out), one contender per JVM: N tasks each sleep S seconds; prints the wall time of the
 * whole fan-out and the heap each parked task holds.
 *
 * <pre>{@code
 * java <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.SleepFanOut gevent4j 100000 1.0 5.0
 * }</pre>
 *
 * <p>Passes: the first is timed (spawn, sleep, join; no GC forced); three untimed ones (sleeping at most 0.3 s)
 * let the JIT finish compiling the sleep and wake-up paths; the last parks all N again (each sleeping the optional
 * fourth argument, default 5 s), forces a GC while they sleep, and divides the heap growth by N. Contenders: {@code gevent4j} (greenlets on one hub,
 * {@code Gevent.sleep}), {@code vt} (virtual threads, {@code Thread.sleep}), {@code threads} (platform threads;
 * the harness passes a smaller N). Every task ends by itself after S seconds; nothing is killed or interrupted.
 */
public final class SleepFanOut {
    private SleepFanOut() {}

    /** Untimed passes between the timed one and the heap measurement (see main). */
    private static final int WARM_UP_PASSES = Integer.getInteger("warmUpPasses", 3);

    public static void main(String[] args) throws Exception {
        String who = args[0];
        int n = Integer.parseInt(args[1]);
        long millis = (long) (Double.parseDouble(args[2]) * 1000);
        // pass 2 sleeps long enough that the first task still sleeps when the last one starts
        long heapMillis = (long) (Double.parseDouble(args.length > 3 ? args[3] : "5") * 1000);
        AtomicInteger parked = new AtomicInteger();
        Runnable gc = () -> {
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
        };
        // pass 1: wall time
        long t0 = System.nanoTime();
        fanOut(who, n, millis, parked, null);
        double wall = (System.nanoTime() - t0) / 1e9;
        // untimed warm-up passes: pass 1's first wake-ups reach code the JIT compiled before any sleep had ended, so
        // it deoptimises (an uncommon trap) while pass 2 would be spawning, and greenlets parked in interpreted
        // frames hold StackChunks two to three times larger (benchmarks/RESULTS.md, "The per-greenlet footprint")
        for (int i = 0; i < WARM_UP_PASSES; i++) {
            parked.set(0);
            fanOut(who, n, Math.min(millis, 300), parked, null);
        }
        // pass 2: heap per parked task
        parked.set(0);
        gc.run();
        long before = heapUsed();
        long[] during = new long[1];
        fanOut(who, n, heapMillis, parked, () -> {
            gc.run();
            during[0] = heapUsed();
        });
        System.out.println("RESULT wall_s " + wall);
        System.out.println("RESULT bytes_per_task " + (during[0] - before) / (double) n);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Runs the fan-out; {@code whileParked} (if any) runs on the calling thread once all N sleep. */
    private static void fanOut(String who, int n, long millis, AtomicInteger parked, Runnable whileParked)
            throws Exception {
        switch (who) {
            case "gevent4j" -> {
                try (Hub hub = Hub.create("fanout-hub")) {
                    Greenlet<Integer> root = hub.spawn(() -> {
                        List<Greenlet<?>> gs = new ArrayList<>(n);
                        for (int i = 0; i < n; i++) {
                            gs.add(Gevent.spawn(() -> {
                                parked.incrementAndGet();
                                Gevent.sleep(millis);
                            }));
                        }
                        return Gevent.joinAll(gs).size();
                    });
                    awaitParked(parked, n, millis, whileParked);
                    if (root.get() != n) {
                        throw new AssertionError("joinAll returned fewer greenlets than spawned");
                    }
                }
            }
            case "vt", "threads" -> {
                Thread.Builder b = who.equals("vt") ? Thread.ofVirtual() : Thread.ofPlatform().stackSize(256 * 1024);
                Thread[] ts = new Thread[n];
                for (int i = 0; i < n; i++) {
                    ts[i] = b.start(() -> {
                        parked.incrementAndGet();
                        try {
                            Thread.sleep(millis);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                awaitParked(parked, n, millis, whileParked);
                for (Thread t : ts) {
                    t.join();
                }
            }
            default -> throw new IllegalArgumentException("unknown contender " + who + ": use gevent4j, vt or threads");
        }
    }

    private static void awaitParked(AtomicInteger parked, int n, long millis, Runnable whileParked)
            throws InterruptedException {
        if (whileParked == null) {
            return;
        }
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (parked.get() < n && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        if (parked.get() < n) {
            throw new IllegalStateException("only " + parked.get() + " of " + n + " tasks started within the sleep "
                    + "time: raise the sleep time so that heap can be measured while all are parked");
        }
        Thread.sleep(Math.min(50, millis / 10)); // the last ones to start reach their sleep
        whileParked.run();
    }
}
