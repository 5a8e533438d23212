package dev.gevent4j.bench.macro;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.HubGroup;
import dev.gevent4j.event.Event;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 15's fan-out footprint: N greenlets (default 1,000,000) parked at once across a {@link HubGroup} (one hub
 * per processor); prints the heap they hold, in total and per greenlet.
 *
 * <pre>{@code
 * java -Xmx2g <gevent4j flags> -cp benchmarks.jar dev.gevent4j.bench.macro.ParkedMillion 1000000 sleep
 * }</pre>
 *
 * <p>Each hub runs a spawner greenlet that spawns its share; every greenlet then parks, in {@code sleep} mode in
 * {@code Gevent.sleep} (a timer each), in {@code event} mode on one shared {@link Event}. Once all are parked the
 * heap is measured after three {@code System.gc()} calls. The run is bounded: parking must finish within 120 s, and
 * the greenlets end by themselves (the event is set; the sleepers' 10-minute sleep is ended by {@code close()},
 * which kills them). Run it with {@code -Xmx2g} and it proves the fan-out fits in 2 GB of heap (else it fails with
 * OutOfMemoryError).
 */
public final class ParkedMillion {
    private ParkedMillion() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        String mode = args.length > 1 ? args[1] : "sleep";
        if (!mode.equals("sleep") && !mode.equals("event")) {
            throw new IllegalArgumentException("mode is " + mode + ": use sleep or event");
        }
        gc();
        long before = heapUsed();
        AtomicInteger parked = new AtomicInteger();
        Event release = new Event();
        Runnable body = mode.equals("sleep")
                ? () -> {
                    parked.incrementAndGet();
                    Gevent.sleep(600_000);
                }
                : () -> {
                    parked.incrementAndGet();
                    release.await();
                };
        long t0 = System.nanoTime();
        try (HubGroup group = HubGroup.create()) {
            List<Hub> hubs = group.hubs();
            List<Greenlet<?>> spawners = new ArrayList<>();
            for (int h = 0; h < hubs.size(); h++) {
                int share = n / hubs.size() + (h < n % hubs.size() ? 1 : 0);
                spawners.add(hubs.get(h).spawn(() -> {
                    for (int i = 0; i < share; i++) {
                        Gevent.spawn(body);
                    }
                }));
            }
            Gevent.joinAll(spawners);
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (parked.get() < n) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("only " + parked.get() + " of " + n + " parked within 120 s");
                }
                Thread.sleep(10);
            }
            double spawnSeconds = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(200); // the last ones reach their park
            gc();
            long during = heapUsed();
            long max = Runtime.getRuntime().maxMemory();
            System.out.println("RESULT hubs " + hubs.size());
            System.out.println("RESULT spawn_s " + spawnSeconds);
            System.out.println("RESULT heap_mb " + (during - before) / 1e6);
            System.out.println("RESULT bytes_per_greenlet " + (during - before) / (double) n);
            System.out.println("RESULT max_heap_mb " + max / 1e6);
            release.set();
        }
    }

    private static void gc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
