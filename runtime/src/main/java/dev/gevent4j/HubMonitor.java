package dev.gevent4j;

import dev.gevent4j.internal.jfr.HubStallEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The process's one monitor thread ({@code gevent4j-monitor}, daemon), gevent's {@code max_blocking_time}: it
 * notices a hub that has not returned to its loop for longer than {@code gevent4j.monitor.thresholdMillis}
 * (default 100 ms) — a greenlet running CPU code without yielding, or blocked in a call that pins it — and reports
 * the hub, the running greenlet and its stack at that moment through {@link System.Logger} (logger
 * {@code dev.gevent4j.monitor}, WARNING) and as a JFR {@code dev.gevent4j.HubStall} event: one report per stall.
 *
 * <p>It also registers the JMX beans ({@link GeventMXBean}, one {@link HubMXBean} per hub) and, with
 * {@code gevent4j.monitor.pinned=true}, reports JDK pinning of greenlets from JFR's {@code jdk.VirtualThreadPinned}.
 */
final class HubMonitor {
    /*
     * Implementation overview. Every period (a quarter of the threshold) the monitor reads each hub's entry counter
     * and "polling" flag, both written by the hub with opaque stores (no fences on the hot path). A hub that is not
     * polling and whose counter has not moved since the monitor first saw that value is stalled; once the stall is
     * older than the threshold, not counting the GC pauses the JVM's collectors report meanwhile (ownStallNanos),
     * it is reported once. The running greenlet is the live greenlet whose virtual thread
     * is mounted on the hub's thread (VirtualThread.carrierThread, read reflectively).
     */

    private static final System.Logger LOG = System.getLogger("dev.gevent4j.monitor");
    private static final Object LOCK = new Object();
    private static Thread thread;
    private static final Map<Hub, Watch> WATCHES = new ConcurrentHashMap<>();
    private static final VarHandle CARRIER;
    private static volatile boolean jmxDone;
    /** Completed monitor periods (each commits the loop passes handed to it, then checks every hub). */
    static volatile long ticks;

    static {
        VarHandle h = null;
        try {
            Class<?> vt = Class.forName("java.lang.VirtualThread");
            h = MethodHandles.privateLookupIn(vt, MethodHandles.lookup()).findVarHandle(vt, "carrierThread",
                    Thread.class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot read VirtualThread.carrierThread; stall reports will show "
                    + "the hub thread's stack", e);
        }
        CARRIER = h;
    }

    private HubMonitor() {}

    private static final class Watch {
        long lastEntries = -1;
        long sinceNanos;
        /** The JVM's GC pause time (ms, cumulative) when the current stall began. */
        long gcMillisSince;
        boolean reported;
    }

    /**
     * The collectors whose MXBean time is stop-the-world pauses: all but ZGC's and Shenandoah's "... Cycles" beans,
     * which time concurrent work that does not stop a hub (their pauses have "... Pauses" beans; G1's "G1 Concurrent
     * GC" bean times its Remark and Cleanup pauses).
     */
    private static final java.lang.management.GarbageCollectorMXBean[] PAUSE_COLLECTORS =
            java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .filter(b -> !b.getName().contains("Cycles"))
                    .toArray(java.lang.management.GarbageCollectorMXBean[]::new);

    /** The JVM's garbage-collection pause time so far, in ms. Monitor thread. */
    static long gcPauseMillis() {
        long sum = 0;
        for (java.lang.management.GarbageCollectorMXBean b : PAUSE_COLLECTORS) {
            sum += Math.max(0, b.getCollectionTime());
        }
        return sum;
    }

    /**
     * The part of a stall the hub's own code caused: the time since it last returned to its loop, less the GC pauses
     * meanwhile. A large fan-out keeps its parked greenlets live through every young collection, and a pause that
     * falls in a long but legitimate loop pass must not be reported as a greenlet that does not yield.
     */
    static long ownStallNanos(long stalledNanos, long gcMillisDuring) {
        return Math.max(0, stalledNanos - gcMillisDuring * 1_000_000L);
    }

    static void hubStarted(Hub hub) {
        registerJmx(hub);
        if (!Config.monitor()) {
            return;
        }
        synchronized (LOCK) {
            if (thread == null) {
                long threshold = Config.monitorThresholdMillis();
                thread = Thread.ofPlatform().name("gevent4j-monitor").daemon(true)
                        .start(() -> run(threshold * 1_000_000L));
                if (Config.monitorPinned()) {
                    PinnedReporter.start(threshold);
                }
            }
        }
    }

    /**
     * Records a long pass of a hub's loop as a JFR {@code dev.gevent4j.HubLoop} event. Events committed on a hub's
     * own thread after it has run greenlet continuations are lost on JDK 25 (the carrier's JFR thread state is
     * disturbed by virtual-thread mounts), so the hub hands them to the monitor thread, which commits them at its
     * next tick; without the monitor they are committed directly (best effort).
     */
    static void loopPass(Hub hub, int entries, long durationNanos) {
        if (thread == null) {
            commitLoopPass(hub.getName(), entries, durationNanos);
        } else {
            PASSES.add(new Object[] {hub.getName(), entries, durationNanos});
        }
    }

    private static final java.util.Queue<Object[]> PASSES = new java.util.concurrent.ConcurrentLinkedQueue<>();

    private static void commitLoopPass(String hub, int entries, long durationNanos) {
        dev.gevent4j.internal.jfr.HubLoopEvent e = new dev.gevent4j.internal.jfr.HubLoopEvent();
        e.hub = hub;
        e.entries = entries;
        e.passDuration = durationNanos;
        e.commit();
    }

    static void hubClosed(Hub hub) {
        WATCHES.remove(hub);
        unregisterJmx(hub);
    }

    private static void run(long thresholdNanos) {
        long period = Math.max(1_000_000L, thresholdNanos / 4);
        while (true) {
            LockSupport.parkNanos(period);
            Object[] pass;
            while ((pass = PASSES.poll()) != null) {
                commitLoopPass((String) pass[0], (Integer) pass[1], (Long) pass[2]);
            }
            long now = System.nanoTime();
            long gcMillis = gcPauseMillis();
            for (Hub hub : Hub.ALL) {
                try {
                    check(hub, now, gcMillis, thresholdNanos);
                } catch (Throwable t) {
                    LOG.log(System.Logger.Level.DEBUG, "monitor check failed for " + hub, t);
                }
            }
            ticks++;
        }
    }

    private static void check(Hub hub, long now, long gcMillis, long thresholdNanos) {
        Watch w = WATCHES.computeIfAbsent(hub, h -> new Watch());
        long entries = hub.loop.counters.entriesRun();
        if (hub.loop.counters.isPolling() || entries != w.lastEntries) {
            w.lastEntries = entries;
            w.sinceNanos = now;
            w.gcMillisSince = gcMillis;
            w.reported = false;
            return;
        }
        long gcMillisDuring = gcMillis - w.gcMillisSince;
        long stalledNanos = ownStallNanos(now - w.sinceNanos, gcMillisDuring);
        long stalledMillis = stalledNanos / 1_000_000;
        HubCounters counters = hub.loop.counters;
        if (stalledMillis > counters.longestStallMillis) {
            counters.longestStallMillis = stalledMillis;
        }
        if (!w.reported && stalledNanos >= thresholdNanos) {
            w.reported = true;
            report(hub, stalledMillis, gcMillisDuring);
            counters.stalls++; // after the report: a reader that sees the count also sees the report and its JFR event
        }
    }

    private static void report(Hub hub, long stalledMillis, long gcMillisDuring) {
        Greenlet<?> running = runningGreenlet(hub);
        Thread t = running != null ? running.getThread() : hub.thread();
        StackTraceElement[] frames = t.getStackTrace();
        String stack = Dumps.stack(frames);
        String who = running != null ? "greenlet " + running.getName() : "the hub thread itself (a callback or timer)";
        String what = "is running without yielding";
        if (running != null && frames.length > 0 && NativeWaitAdvice.unmounting(frames[0])) {
            // parking right now, e.g. held up by a GC pause during a large fan-out: neither native code nor pinned
            what = NativeWaitAdvice.UNMOUNTING;
        } else if (running != null && frames.length > 0 && frames[0].isNativeMethod()
                && t.getState() == Thread.State.RUNNABLE) {
            what = NativeWaitAdvice.what(frames[0], dev.gevent4j.internal.MonkeyState.convertedThreadOf(running),
                    dev.gevent4j.internal.MonkeyState.isMainGreenlet(running));
        } else if (running != null && t.getState() != Thread.State.RUNNABLE) {
            // Mounted on the hub thread yet parked or blocked: the JDK could not unmount it (a class initializer or a
            // native frame below it), so its park holds the hub thread itself.
            what = "is pinned to the hub thread (a class initializer or native frame is on its stack) and blocked in a "
                    + t.getState() + " wait; if only this hub can end that wait (a gevent4j wait, a timer, a greenlet of "
                    + "this hub), the hub is deadlocked for good: do not block in static initializers";
        }
        String gc = gcMillisDuring > 0 ? " (not counting " + gcMillisDuring + " ms of garbage-collection pauses)" : "";
        LOG.log(System.Logger.Level.WARNING, "hub {0} has not returned to its loop for {1} ms{6} (threshold {2} ms): "
                + "{3} {4}, at:\n{5}", hub.getName(), stalledMillis,
                Config.monitorThresholdMillis(), who, what, stack, gc);
        HubStallEvent e = jdk.jfr.FlightRecorder.isInitialized() ? new HubStallEvent() : null;
        if (e != null && e.isEnabled()) {
            e.hub = hub.getName();
            e.greenlet = running != null ? running.getName() : null;
            e.stalledMillis = stalledMillis;
            e.stack = stack;
            e.commit();
        }
    }

    /** The live greenlet of {@code hub} mounted on the hub's thread, or null. Racy by design. */
    static Greenlet<?> runningGreenlet(Hub hub) {
        if (CARRIER == null) {
            return null;
        }
        try {
            for (Greenlet<?> g = hub.loop.liveHead(); g != null; g = g.liveNext) {
                Thread t = g.getThread();
                if (t != null && CARRIER.getVolatile(t) == hub.thread()) {
                    return g;
                }
            }
        } catch (RuntimeException e) {
            // the list changed under us: no answer this time
        }
        return null;
    }

    // ----------------------------------------------------------------------------------------------------------
    // JMX

    private static ObjectName hubName(Hub hub) throws Exception {
        return new ObjectName("dev.gevent4j:type=Hub,name=" + ObjectName.quote(hub.getName()));
    }

    private static void registerJmx(Hub hub) {
        String mode = Config.jmxMode();
        if (mode.equals("false")) {
            return;
        }
        if (mode.equals("lazy")) {
            // The platform MBean server is created on first use (~200 ms of CPU): not on the hub's start path.
            Thread.ofPlatform().name("gevent4j-jmx").daemon(true).start(() -> registerJmxNow(hub));
            return;
        }
        registerJmxNow(hub);
    }

    private static void registerJmxNow(Hub hub) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (!jmxDone) {
                synchronized (LOCK) {
                    ObjectName n = new ObjectName("dev.gevent4j:type=Gevent");
                    if (!server.isRegistered(n)) {
                        server.registerMBean(new GeventBean(), n);
                    }
                    jmxDone = true;
                }
            }
            ObjectName n = hubName(hub);
            synchronized (LOCK) { // against unregisterJmx: a hub closed meanwhile must not stay registered
                if (!hub.isClosed() && !server.isRegistered(n)) {
                    server.registerMBean(new HubBean(hub), n);
                }
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "could not register gevent4j's JMX beans", e);
        }
    }

    private static void unregisterJmx(Hub hub) {
        if (!Config.jmx()) {
            return;
        }
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName n = hubName(hub);
            synchronized (LOCK) {
                if (server.isRegistered(n)) {
                    server.unregisterMBean(n);
                }
            }
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "could not unregister " + hub, e);
        }
    }

    private static final class GeventBean implements GeventMXBean {
        @Override
        public String dump() {
            return Gevent.dump();
        }

        @Override
        public String[] getHubs() {
            return Hub.ALL.stream().map(Hub::getName).sorted().toArray(String[]::new);
        }
    }

    private record HubBean(Hub hub) implements HubMXBean {
        @Override
        public String getName() {
            return hub.getName();
        }

        @Override
        public String getIoType() {
            return hub.ioType();
        }

        @Override
        public int getRunQueueLength() {
            return hub.loop.statsRacy().ready();
        }

        @Override
        public int getGreenletsAlive() {
            return hub.loop.statsRacy().liveGreenlets();
        }

        @Override
        public long getLoopIterations() {
            return hub.loop.counters.loopIterations();
        }

        @Override
        public long getEntriesRun() {
            return hub.loop.counters.entriesRun();
        }

        @Override
        public long getLongestStallMillis() {
            return hub.loop.counters.longestStallMillis;
        }

        @Override
        public long getStalls() {
            return hub.loop.counters.stalls;
        }

        @Override
        public int getIoRegistrations() {
            return hub.loop.statsRacy().ioRegistrations();
        }

        @Override
        public int getPendingTimers() {
            return hub.loop.statsRacy().timers();
        }

        @Override
        public String dump() {
            return Dumps.dumpHub(hub);
        }
    }

    /** Reports jdk.VirtualThreadPinned events of greenlets, from an in-process JFR stream. */
    private static final class PinnedReporter {
        static void start(long thresholdMillis) {
            try {
                jdk.jfr.consumer.RecordingStream rs = new jdk.jfr.consumer.RecordingStream();
                rs.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(Math.max(1, thresholdMillis / 5)))
                        .withStackTrace();
                rs.onEvent("jdk.VirtualThreadPinned", ev -> LOG.log(System.Logger.Level.WARNING,
                        "a greenlet was pinned for {0} ms, blocking its hub: {1}", ev.getDuration().toMillis(),
                        ev.getStackTrace() == null ? "(no stack)" : ev.getStackTrace().getFrames().stream()
                                .limit(24).map(f -> "\tat " + f.getMethod().getType().getName() + "."
                                        + f.getMethod().getName() + ":" + f.getLineNumber())
                                .reduce("", (a, b) -> a + "\n" + b)));
                rs.setReuse(false);
                // start() blocks and runs the stream on the calling thread; startAsync() would use a non-daemon
                // thread that keeps the JVM alive after main returns.
                Thread.ofPlatform().name("gevent4j-monitor-pinned").daemon(true).start(rs::start);
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.WARNING, "could not start JFR pinning reports", t);
            }
        }
    }
}
