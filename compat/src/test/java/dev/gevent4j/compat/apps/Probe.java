package dev.gevent4j.compat.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * What every compatibility app measures about its concurrent phase, and prints as "key value" lines on stdout for
 * the test (CompatRun) to read. peakThreads is the JVM's peak of live platform threads during the phase
 * (ThreadMXBean, exact); osThreads is the most OS threads of the process seen by the ticker (every 50 ms) and at
 * the end, the JVM's own (GC, JIT) included. Knows nothing of gevent4j: under the agent its ticker, a plain thread, runs as a
 * greenlet of the hub, so its largest gap between 10 ms sleeps is the longest time the hub did not run it; the
 * hub monitor's stall counter is read through the platform MBean server (absent without the agent).
 *
 * <pre>{@code
 * Probe p = new Probe();
 * p.begin();                       // ticker on, thread peak reset, clock on
 * ... n operations, each p.ok() or p.fail(e) ...
 * p.end("jetty", n);               // prints n, ok, wall, virtual, peakThreads, osThreads, ticks, maxTickGapMs, ...
 * }</pre>
 */
public final class Probe {
    /** How long each server answers (or each operation waits): the "slow" of a slow request. */
    public static final long DELAY_MILLIS = Long.getLong("compat.delayMillis", 500);

    private final ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    private final AtomicInteger ok = new AtomicInteger();
    private final AtomicInteger virtual = new AtomicInteger();
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    private volatile long ticks;
    private volatile long maxGapNanos;
    private volatile boolean tickerVirtual;
    private volatile int osThreads = -1;
    private Thread ticker;
    private long t0;
    private long wallNanos = -1;
    private long stalls0;

    /** Starts the measured phase. */
    public void begin() {
        ok.set(0);
        virtual.set(0);
        failures.clear();
        stalls0 = hubStalls()[0];
        ticker = new Thread(() -> {
            tickerVirtual = Thread.currentThread().isVirtual();
            long last = System.nanoTime();
            while (!stop) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                if (now - last > maxGapNanos) {
                    maxGapNanos = now - last;
                }
                last = now;
                if (ticks++ % 5 == 0) {
                    sampleOsThreads();
                }
            }
        }, "compat-ticker");
        ticker.setDaemon(true);
        ticker.start();
        mx.resetPeakThreadCount();
        t0 = System.nanoTime();
    }

    /** One operation succeeded; counts it as virtual if it ran on a virtual thread (a greenlet under the agent). */
    public void ok() {
        if (Thread.currentThread().isVirtual()) {
            virtual.incrementAndGet();
        }
        ok.incrementAndGet();
    }

    /** A server-side handler ran on this thread: counts it as virtual if it is one (does not count an ok). */
    public void handled() {
        if (Thread.currentThread().isVirtual()) {
            virtual.incrementAndGet();
        }
    }

    public void fail(Throwable e) {
        if (failures.size() < 5) {
            failures.add(String.valueOf(e));
        } else {
            failures.add("...");
        }
    }

    /** Stops the clock now (before the app's own tear-down). */
    public void stopClock() {
        if (wallNanos < 0) {
            wallNanos = System.nanoTime() - t0;
        }
    }

    /** Ends the measured phase and prints the figures. */
    public void end(String name, int n) throws InterruptedException {
        stopClock();
        int peak = mx.getPeakThreadCount();
        sampleOsThreads();
        stop = true;
        ticker.join();
        long[] stalls = hubStalls();
        List<String> f;
        synchronized (failures) {
            f = new ArrayList<>(new java.util.LinkedHashSet<>(failures));
        }
        System.out.println("case " + name);
        System.out.println("n " + n);
        System.out.println("ok " + ok.get());
        System.out.printf("wall %.3f%n", wallNanos / 1e9);
        System.out.println("virtual " + virtual.get());
        System.out.println("peakThreads " + peak);
        System.out.println("osThreads " + osThreads);
        System.out.println("ticks " + ticks);
        System.out.println("maxTickGapMs " + maxGapNanos / 1_000_000);
        System.out.println("tickerVirtual " + tickerVirtual);
        System.out.println("stalls " + (stalls[0] - stalls0));
        System.out.println("longestStallMs " + stalls[1]);
        System.out.println("failures " + f);
        System.out.flush();
    }

    /** Every OS thread of the process, the JVM's own included (a directory listing: no file read, no hub wait). */
    private void sampleOsThreads() {
        String[] tasks = new java.io.File("/proc/self/task").list();
        if (tasks != null && tasks.length > osThreads) {
            osThreads = tasks.length;
        }
    }

    /** The hub monitor's stall count (summed) and longest stall (max) over this JVM's hubs; zeros without them. */
    private static long[] hubStalls() {
        long[] r = new long[2];
        try {
            MBeanServer s = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> hubs = s.queryNames(new ObjectName("dev.gevent4j:type=Hub,name=*"), null);
            for (ObjectName h : hubs) {
                r[0] += (Long) s.getAttribute(h, "Stalls");
                r[1] = Math.max(r[1], (Long) s.getAttribute(h, "LongestStallMillis"));
            }
        } catch (Exception e) {
            // no gevent4j here
        }
        return r;
    }

    /**
     * Runs {@code task(i)} for i in [0, n) on n plain threads started together (the application's own threads:
     * greenlets under the agent), waits for all, and counts each as ok or failed.
     */
    public void onPlainThreads(int n, String name, Task task) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    task.run(id);
                    ok();
                } catch (Throwable e) {
                    fail(e);
                }
            }, name + "-" + i);
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * The load generator of the server apps: {@code task(i)} on n JDK virtual threads (not the application's
     * threads, so not the agent's business: they run on the JDK's scheduler), counted as ok or failed.
     */
    public void onLoadThreads(int n, Task task) throws InterruptedException {
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            threads.add(Thread.ofVirtual().name("load-" + i).start(() -> {
                try {
                    go.await();
                    task.run(id);
                    ok.incrementAndGet();
                } catch (Throwable e) {
                    fail(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
    }

    /** One operation of an app. */
    public interface Task {
        void run(int i) throws Exception;
    }

    /** The app's argument i as an int, or {@code d}. */
    public static int arg(String[] args, int i, int d) {
        return args.length > i ? Integer.parseInt(args[i]) : d;
    }

    /** Sleeps the server delay, as a slow handler does. */
    public static void slowWork() throws InterruptedException {
        Thread.sleep(DELAY_MILLIS);
    }
}
