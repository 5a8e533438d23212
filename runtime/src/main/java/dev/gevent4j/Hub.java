package dev.gevent4j;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.JdkAccess;
import dev.gevent4j.internal.TimerQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hub: one platform thread that runs many greenlets, one at a time, in strict first-in first-out order, together
 * with their timers and IO readiness, in a single loop (a Netty {@code ManualIoEventLoop}; native epoll, NIO
 * fallback).
 *
 * <pre>{@code
 * try (Hub hub = Hub.create()) {
 *     Greenlet<String> g = hub.spawn(() -> { Gevent.sleep(10); return "done"; });
 *     System.out.println(g.get());
 * }   // close() kills what is left and frees the thread and the loop
 * }</pre>
 *
 * <p>Greenlets are virtual threads whose scheduler is the hub: ThreadLocals, locks, {@code synchronized}, stack
 * traces and debuggers see each greenlet as its own thread, and every java.util.concurrent wait parks the greenlet
 * and lets the hub run the next one. Calls from outside any hub ({@link Gevent#spawn} from {@code main}) use the
 * {@linkplain #getDefault() default hub}, created lazily on daemon thread {@code gevent4j-hub-0}; inside a greenlet
 * they use that greenlet's hub.
 *
 * <p>Thread contracts: every public method may be called from any thread unless it says otherwise. Callbacks
 * ({@link #callSoon}, {@link #callLater}, {@link #callAt}, greenlet links) run on the hub thread and MUST NOT block.
 * {@link #close()} MUST NOT be called from one of the hub's own greenlets.
 */
public final class Hub implements AutoCloseable {
    /*
     * Implementation overview.
     *
     * Hub is the facade and the lifecycle (open, closing, closed) plus the process-wide registry of hubs. The work
     * is done by four package-private parts, one concept each:
     *   HubLoop           the hub thread's loop (HubLoop.run), the ready queue and its enqueue path
     *                     (HubLoop.enqueue, the greenlets' virtual-thread scheduler), timers, the live greenlets;
     *   OutsideStarts     the hold on greenlets spawned from outside the hub until their spawner blocks;
     *   LoopExitDetector  outside waiters and the "nothing can ever wake them" judgement;
     *   HubCounters       the statistics the monitor, metrics and dumps read from other threads.
     * The agent and the runtime's other packages reach the package-private parts only through
     * dev.gevent4j.internal.Internals.
     */

    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final Object DEFAULT_LOCK = new Object();
    private static volatile Hub defaultHub;
    /** On a hub's platform thread: that hub (for the agent's timer patch, which runs on the carrier). */
    static final ThreadLocal<Hub> OWN_THREAD = new ThreadLocal<>();
    /** Every open hub, for the monitor, dumps and metrics. */
    static final Set<Hub> ALL = ConcurrentHashMap.newKeySet();

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    /*
     * Load up front the classes that every wait and the accept back-off need: a process out of file descriptors
     * cannot open a jar or class file to load one later (FdLimitBurstTest: NoClassDefFoundError for Waits in an
     * accept loop under EMFILE).
     */
    static {
        String[] blockingPath = {"dev.gevent4j.Waits", "dev.gevent4j.Waits$WakeTimer",
            "dev.gevent4j.LoopExitDetector$OutsideWait", "dev.gevent4j.Greenlet$ThreadNode", "dev.gevent4j.Gevent",
            "dev.gevent4j.Timeout", "dev.gevent4j.GreenletExit", "dev.gevent4j.LoopExit"};
        for (String c : blockingPath) {
            try {
                Class.forName(c, true, Hub.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    private final String name;
    private final Long seed;
    final HubLoop loop;
    final OutsideStarts outsideStarts = new OutsideStarts(this);
    final LoopExitDetector loopExit = new LoopExitDetector(this);
    private volatile int state = OPEN;
    private volatile dev.gevent4j.io.ThreadPool threadPool;
    /** The group this hub belongs to, or null; set once by HubGroup before any greenlet runs here. */
    volatile HubGroup group;

    private Hub(String name) {
        this(name, false, null, 0, false);
    }

    private Hub(String name, boolean virtualTime, Long seed, long timerJitterNanos, boolean perturbIo) {
        JdkAccess.check();
        dev.gevent4j.internal.JdkPollerInit.ensure(); // before any greenlet can do socket IO: see that class
        this.name = name;
        this.loop = new HubLoop(this, name, virtualTime, seed, timerJitterNanos, perturbIo);
        this.seed = seed;
        loop.start();
        ALL.add(this);
        HubMonitor.hubStarted(this);
        loop.awaitStarted();
    }

    /** Creates and starts a new hub on its own daemon thread named {@code gevent4j-hub-N}. */
    public static Hub create() {
        return new Hub("gevent4j-hub-" + IDS.getAndIncrement());
    }

    /** Creates and starts a new hub whose thread has the given name. */
    public static Hub create(String threadName) {
        Objects.requireNonNull(threadName, "threadName");
        return new Hub(threadName);
    }

    /**
     * A builder for a hub with options: a thread name, virtual time.
     *
     * <pre>{@code
     * try (Hub hub = Hub.builder().virtualTime(true).build()) {
     *     hub.spawn(() -> Gevent.sleep(Duration.ofHours(1))).join();   // returns at once: no IO, only a timer
     * }
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of a new hub; {@link #build()} creates and starts it. Not thread-safe; reusable. */
    public static final class Builder {
        private String name;
        private boolean virtualTime;
        private Long seed;
        private Duration timerJitter = Duration.ofMillis(1);
        private boolean perturbIo = true;

        private Builder() {}

        /** The name of the hub's thread (default {@code gevent4j-hub-N}). */
        public Builder name(String threadName) {
            this.name = Objects.requireNonNull(threadName, "threadName");
            return this;
        }

        /**
         * Virtual time (default false): the hub's clock ({@link Hub#nanoTime()}) stands still while greenlets run,
         * moves with real time while the hub waits for IO or for other threads, and jumps straight to the next timer
         * when nothing else can happen first — nothing ready, no IO registration, and every live greenlet parked in a
         * gevent4j wait (sleep, Timeout, a join, an event, a lock, a queue) that a timer or another greenlet of the
         * hub ends. Every timer of the hub (sleep, Timeout, withTimeout, callLater/callAt, timed joins and waits, and
         * under the agent Thread.sleep and timed j.u.c. waits) follows that clock. For tests: see
         * {@code docs/testing.md} for what mixes with real IO and other threads.
         */
        public Builder virtualTime(boolean on) {
            this.virtualTime = on;
            return this;
        }

        /**
         * A seeded schedule: the seed drives random choices in what gevent leaves unspecified, never in a FIFO order
         * gevent4j promises (greenlets and callSoon callbacks made ready on the hub keep their order). It delays each
         * timer by a random amount up to {@link #timerJitter} (so timers with equal or near deadlines fire in a
         * seeded order), and it shuffles the wake-ups other threads post within one poll of the loop before they
         * enter the ready queue; with {@link #perturbIo} (the default) also the wake-ups that IO readiness makes
         * within one poll, and it defers some of those wake-ups by a few passes of the loop. The same seed on the same
         * code gives the same schedule as long as the run does not wait on real time: use it with
         * {@link #virtualTime}. See {@code docs/testing.md}.
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The bound of a seeded hub's random timer delays (default 1 ms; zero turns them off). */
        public Builder timerJitter(Duration jitter) {
            Durations.requiredNanos(jitter, "jitter");
            this.timerJitter = jitter;
            return this;
        }

        /**
         * Whether a {@linkplain #seed seeded} hub perturbs IO deliveries too (default true): the greenlets that the
         * IO readiness reported by one poll of the loop wakes (and the tasks other threads posted to the loop) enter
         * the ready queue in a seeded order, shuffled together with the other threads' wake-ups of that poll, and one
         * such wake-up (or another thread's) in four is deferred by one to three passes of the loop. False keeps the
         * kernel's order of one poll's IO events and delivers every wake-up at the end of its poll, as an unseeded hub
         * does; timers and other threads' wake-ups are still perturbed. No effect without a seed.
         */
        public Builder perturbIo(boolean on) {
            this.perturbIo = on;
            return this;
        }

        /** Creates and starts the hub. */
        public Hub build() {
            return new Hub(name != null ? name : "gevent4j-hub-" + IDS.getAndIncrement(), virtualTime, seed,
                    timerJitter.toNanos(), perturbIo);
        }
    }

    /**
     * The default hub, used by calls made outside any hub; created on first use (daemon thread
     * {@code gevent4j-hub-0}), and created anew if the previous default hub was closed.
     */
    public static Hub getDefault() {
        Hub h = defaultHub;
        if (h != null && h.state == OPEN) {
            return h;
        }
        synchronized (DEFAULT_LOCK) {
            h = defaultHub;
            if (h == null || h.state != OPEN) {
                h = new Hub("gevent4j-hub-0");
                defaultHub = h;
            }
            return h;
        }
    }

    /** The hub of the calling greenlet, or null when called outside any greenlet. */
    public static Hub current() {
        Greenlet<?> g = Greenlet.currentGreenlet();
        return g == null ? null : g.hub;
    }

    /** The hub the caller belongs to: its greenlet's hub, or the default hub. */
    static Hub currentOrDefault() {
        Greenlet<?> g = Greenlet.currentGreenlet();
        return g == null ? getDefault() : g.hub;
    }

    /** The {@link HubGroup} this hub belongs to, or null for a hub created on its own (and the default hub). */
    public HubGroup group() {
        return group;
    }

    /** The name of the hub's thread. */
    public String getName() {
        return name;
    }

    /**
     * The hub's clock, in {@link System#nanoTime()} units: every timer of the hub is due when this clock reaches its
     * deadline. {@code System.nanoTime()} itself, except on {@linkplain Builder#virtualTime virtual time}. Any thread.
     */
    public long nanoTime() {
        return loop.now();
    }

    /**
     * The hub's wall clock: {@link Instant#now()}, or on virtual time the instant of the hub's creation plus the
     * virtual time elapsed since. {@link #callAt} measures against it. Any thread.
     */
    public Instant instant() {
        return loop.virtualTime ? loop.createdInstant.plusNanos(loop.now() - loop.createdNanos) : Instant.now();
    }

    /** The hub's {@linkplain Builder#seed schedule seed}, or null. */
    public Long seed() {
        return seed;
    }

    /** Whether the hub runs on {@linkplain Builder#virtualTime virtual time}. */
    public boolean isVirtualTime() {
        return loop.virtualTime;
    }

    /** The IO backend the hub's loop uses: {@code "epoll"} or {@code "nio"}. */
    public String ioType() {
        return loop.ioType();
    }

    /** The hub's platform thread. */
    public Thread thread() {
        return loop.thread();
    }

    /**
     * The hub's thread pool, for CPU-bound or non-cooperative blocking work (gevent's {@code hub.threadpool}):
     * created on first use with {@code gevent4j.threadpool.size} threads (default 10), shut down by {@link #close()}.
     * The hubs of a {@link HubGroup} share one pool, the group's, shut down when the group closes: the platform threads
     * an application can hold then do not grow with the number of hubs.
     *
     * @throws IllegalStateException if the hub is closed
     */
    public dev.gevent4j.io.ThreadPool threadPool() {
        checkOpen();
        HubGroup g = group;
        if (g != null) {
            return g.threadPool();
        }
        dev.gevent4j.io.ThreadPool p = threadPool;
        if (p == null) {
            synchronized (this) {
                checkOpen();
                p = threadPool;
                if (p == null) {
                    p = new dev.gevent4j.io.ThreadPool(name + "-pool", Config.threadPoolSize());
                    threadPool = p;
                }
            }
        }
        return p;
    }

    /** Whether {@link #close()} has started. */
    public boolean isClosed() {
        return state != OPEN;
    }

    /** Whether the loop has ended (closed, or its thread died). */
    boolean isTerminated() {
        return state == CLOSED;
    }

    /** Whether the caller runs on this hub's thread: the hub thread itself, or one of its greenlets. */
    public boolean inHub() {
        return loop.inLoop();
    }

    /** Spawns a greenlet on this hub. */
    public <T> Greenlet<T> spawn(Callable<T> fn) {
        return new Greenlet<>(this, fn).start();
    }

    /** Spawns a greenlet on this hub. */
    public Greenlet<Void> spawn(Runnable fn) {
        return new Greenlet<Void>(this, fn).start();
    }

    /**
     * Runs {@code action} on the hub thread after every greenlet and callback already runnable (FIFO with them).
     *
     * @throws IllegalStateException if the hub is closed
     */
    public DelayedCall callSoon(Runnable action) {
        Objects.requireNonNull(action, "action");
        Call c = new Call(action, 0);
        checkOpen();
        loop.enqueue(c);
        return c;
    }

    /**
     * Runs {@code action} on the hub thread once {@code delay} has passed.
     *
     * @throws IllegalArgumentException if delay is negative
     * @throws IllegalStateException if the hub is closed
     */
    public DelayedCall callLater(Duration delay, Runnable action) {
        long nanos = Durations.requiredNanos(delay, "delay");
        Objects.requireNonNull(action, "action");
        Call c = new Call(action, loop.now() + nanos);
        schedule(c);
        return c;
    }

    /**
     * Runs {@code action} on the hub thread at {@code when} (the hub's wall clock, {@link #instant()}; a time in the
     * past runs it soon).
     *
     * @throws IllegalStateException if the hub is closed
     */
    public DelayedCall callAt(Instant when, Runnable action) {
        Objects.requireNonNull(when, "when");
        Duration d = Duration.between(instant(), when);
        return callLater(d.isNegative() ? Duration.ZERO : d, action);
    }

    /**
     * A snapshot of the hub's counters, for tests and monitoring. Any thread: from outside the hub the counters are
     * read by a task on the hub (waiting at most one second); a closed hub reports zeros.
     */
    public Stats snapshotStats() {
        return loop.snapshotStats();
    }

    /**
     * The longest time, in milliseconds, the hub went without returning to its loop (a greenlet running without
     * yielding, or pinned), as measured by the monitor ({@code gevent4j.monitor}, on by default); 0 with the monitor
     * off. For tests that fail on a stall (gevent4j-junit). Any thread.
     */
    public long longestStallMillis() {
        return loop.counters.longestStallMillis;
    }

    /**
     * Greenlets spawned onto this hub from outside it whose start is still held until their spawner blocks (see
     * {@code docs/architecture.md}). For leak checks. Any thread.
     */
    public int heldStarts() {
        return outsideStarts.heldCount();
    }

    /**
     * Counters of a hub at one moment: runnable entries, pending timers, live greenlets (started and not ended), IO
     * registrations, and loop iterations so far.
     */
    public record Stats(int ready, int timers, int liveGreenlets, int ioRegistrations, long loopIterations) {}

    // ------------------------------------------------------------------------------------------------------------
    // For the runtime's own classes (package-private) and, through Internals, its other packages and the agent

    /** Creates an unstarted virtual thread scheduled by this hub. Any thread. */
    Thread newThread(Runnable body) {
        checkOpen();
        return loop.newThread(body);
    }

    void checkOpen() {
        if (state != OPEN) {
            throw new IllegalStateException("hub " + name + " is closed: create a new hub or use Hub.getDefault()");
        }
    }

    /** Adds a timer to the loop. Any thread. @throws IllegalStateException if the hub is closed */
    void schedule(TimerQueue.Timer t) {
        checkOpen();
        loop.addTimer(t);
    }

    /** Removes a timer if still pending. Any thread. */
    void cancel(TimerQueue.Timer t) {
        loop.removeTimer(t);
    }

    /** The loop ended: called once, on the hub thread, by {@link HubLoop}. */
    void loopEnded() {
        state = CLOSED;
        ALL.remove(this);
        HubMonitor.hubClosed(this);
    }

    /** Whether the caller is a hub's own platform thread (not a greenlet). */
    static boolean isHubThread() {
        return OWN_THREAD.get() != null;
    }

    /**
     * The hub whose platform thread is the caller, if {@code scheduler} is that hub's virtual-thread scheduler; else
     * null. For the agent: the JDK schedules a greenlet's timed-park wake-up on its carrier, the hub thread.
     */
    static Hub ofCarrier(Executor scheduler) {
        Hub h = OWN_THREAD.get();
        return h != null && h.loop.scheduler == scheduler && h.state == OPEN ? h : null;
    }

    /**
     * Closes the hub: kills every greenlet still running (each gets {@link GreenletExit} at its blocking point),
     * waits up to {@code gevent4j.hub.closeGraceMillis} for them to unwind, then stops the loop and the thread.
     * Greenlets that were never started can no longer start. Idempotent.
     *
     * @throws IllegalStateException if called from one of this hub's own greenlets (it would wait for itself)
     */
    @Override
    public void close() {
        beginClose();
        if (awaitClosed()) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The first half of {@link #close()}: marks the hub closing and wakes its loop, which starts killing what is
     * left; returns at once. {@link HubGroup} starts closing all its hubs before it waits for any of them.
     *
     * @throws IllegalStateException if called from this hub's own thread or greenlets
     */
    void beginClose() {
        if (inHub()) {
            throw new IllegalStateException("Hub.close() called on hub " + name
                    + " from its own thread or greenlet: close a hub from outside it");
        }
        synchronized (this) {
            if (state == OPEN) {
                state = CLOSING;
                loop.post(() -> { });
            }
        }
    }

    /**
     * The second half of {@link #close()}: waits, uninterruptibly, until the loop and its thread have ended, then
     * shuts the thread pool down. Returns whether the caller was interrupted meanwhile (the caller restores it).
     */
    boolean awaitClosed() {
        boolean interrupted = loop.awaitTerminated();
        dev.gevent4j.io.ThreadPool pool;
        synchronized (this) {
            pool = threadPool;
        }
        if (pool != null) {
            pool.close();
        }
        return interrupted;
    }

    @Override
    public String toString() {
        return "Hub[" + name + ", " + ioType() + (state == OPEN ? "" : ", closed") + "]";
    }

    /** A callSoon/callLater entry: a Runnable in the ready queue or a Timer in the timer heap. */
    private final class Call extends TimerQueue.Timer implements DelayedCall, Runnable {
        private static final int PENDING = 0;
        private static final int DONE = 1;
        private static final int CANCELLED = 2;
        private final Runnable action;
        private final AtomicInteger callState = new AtomicInteger(PENDING);

        Call(Runnable action, long deadline) {
            super(deadline);
            this.action = action;
        }

        @Override
        public void run() {
            if (callState.compareAndSet(PENDING, DONE)) {
                action.run();
            }
        }

        @Override
        public void fire() {
            run();
        }

        @Override
        public boolean cancel() {
            if (callState.compareAndSet(PENDING, CANCELLED)) {
                Hub.this.cancel(this);
                return true;
            }
            return false;
        }

        @Override
        public boolean isCancelled() {
            return callState.get() == CANCELLED;
        }

        @Override
        public boolean isDone() {
            return callState.get() == DONE;
        }
    }
}
