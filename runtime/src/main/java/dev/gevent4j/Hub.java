package dev.gevent4j;

import dev.gevent4j.internal.JdkAccess;
import dev.gevent4j.internal.Strand;
import dev.gevent4j.internal.TimerQueue;
import dev.gevent4j.internal.jfr.HubLoopEvent;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hub: one platform thread that runs many greenlets, one at a time, in strict first-in first-out order, together
 * with their timers and IO readiness, in a single loop (a Netty {@link ManualIoEventLoop}; native epoll, NIO
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
     * The hub thread runs loopMain(): run up to `batch` entries of the ready queue (greenlet continuations handed
     * over by the virtual-thread machinery through `scheduler`, and callSoon callbacks), fire due timers, then either
     * poll IO without blocking (more work is ready) or block in the Netty loop until the next timer, IO, or a task
     * from another thread. State touched only "on the hub" (ready, timers, the live list) is safe to use from the
     * hub platform thread and from any greenlet mounted on it, because only one of them runs at a time; other
     * threads reach it by posting a task to the Netty loop, which wakes it.
     *
     * LoopExit: when the hub is about to block with nothing ready, no timer and no IO registration, and a thread
     * outside the hub waits (untimed) on it, the hub checks whether every live greenlet is in an internal wait; if
     * so nothing can ever wake them, and the outside waiters get LoopExit.
     */

    private static final System.Logger LOG = System.getLogger("dev.gevent4j");
    /**
     * HubLoop's event type, looked up once JFR is initialised: the lookup (like initialising any JFR event class on
     * JDK 25) initialises JFR's metadata, about 100 ms of every hub start and, under the agent with main=true, of
     * every JVM start; without an initialised FlightRecorder no recording can want the event.
     */
    private static final class LoopEvent {
        static final jdk.jfr.EventType TYPE = jdk.jfr.EventType.getEventType(HubLoopEvent.class);

        static boolean enabled() {
            return jdk.jfr.FlightRecorder.isInitialized() && TYPE.isEnabled();
        }
    }
    private static final AtomicInteger IDS = new AtomicInteger(1);
    private static final Object DEFAULT_LOCK = new Object();
    private static volatile Hub defaultHub;
    /** On a hub's platform thread: that hub (for the agent's timer patch, which runs on the carrier). */
    private static final ThreadLocal<Hub> OWN_THREAD = new ThreadLocal<>();

    private static final int OPEN = 0;
    private static final int CLOSING = 1;
    private static final int CLOSED = 2;

    private final String name;
    private final Thread thread;
    private final ManualIoEventLoop loop;
    private final String ioType;
    private final int batch;
    private final long closeGraceNanos;
    private final Thread.Builder.OfVirtual builder;
    private final Executor scheduler = this::enqueue;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile int state = OPEN;
    private volatile dev.gevent4j.io.ThreadPool threadPool;

    // --- hub-confined state (hub thread, or a greenlet mounted on it) ---
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>(256);
    private final TimerQueue timers = new TimerQueue();
    private Greenlet<?> liveHead;
    private int liveCount;
    private int ioRegistrations;
    private long loopIterations;

    // --- read by the monitor and metrics from other threads (opaque: no ordering, just no stale hoisting) ---
    private static final VarHandle ENTRIES;
    private static final VarHandle IN_POLL;
    /** Entries (continuations, callbacks, timers) run; the monitor sees a stall when it stops moving. */
    private long entries;
    /** True while the hub waits for IO or a task in the Netty loop: idle, not stalled. */
    private boolean inPoll;
    volatile long longestStallMillis;
    volatile long stalls;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENTRIES = l.findVarHandle(Hub.class, "entries", long.class);
            IN_POLL = l.findVarHandle(Hub.class, "inPoll", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /*
     * Load up front the classes that every wait and the accept back-off need: a process out of file descriptors
     * cannot open a jar or class file to load one later (FdLimitBurstTest: NoClassDefFoundError for Waits in an
     * accept loop under EMFILE).
     */
    static {
        String[] blockingPath = {"dev.gevent4j.Waits", "dev.gevent4j.Waits$WakeTimer", "dev.gevent4j.Waits$OutsideWait",
            "dev.gevent4j.Greenlet$ThreadNode", "dev.gevent4j.Gevent", "dev.gevent4j.Timeout",
            "dev.gevent4j.GreenletExit", "dev.gevent4j.LoopExit"};
        for (String c : blockingPath) {
            try {
                Class.forName(c, true, Hub.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new ExceptionInInitializerError(e);
            }
        }
    }

    /** Every open hub, for the monitor, dumps and metrics. */
    static final Set<Hub> ALL = ConcurrentHashMap.newKeySet();

    /** How often the hub checks whether the spawner of deferred greenlets has blocked. */
    static final long DEFERRED_START_NANOS = 1_000_000;
    /** ... unless its spawner keeps running without blocking for this long. */
    static final long DEFERRED_START_MAX_NANOS = 50_000_000;
    private volatile Thread lastSpawner;
    /** The pending backstop check, if any. Hub-confined. */
    private TimerQueue.Timer pendingCheck;
    private final ConcurrentLinkedQueue<Thread> deferredStarts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    /** Threads outside this hub waiting (without timeout) on its greenlets; candidates for LoopExit. */
    private final Set<Waits.OutsideWait> outsideWaiters = ConcurrentHashMap.newKeySet();

    private Hub(String name, boolean isDefault) {
        JdkAccess.check();
        dev.gevent4j.internal.JdkPollerInit.ensure(); // before any greenlet can do socket IO: see that class
        this.name = name;
        this.batch = Config.hubBatch();
        this.closeGraceNanos = Config.closeGraceMillis() * 1_000_000L;
        this.builder = JdkAccess.virtualThreadBuilder(scheduler);
        String loopType = Config.loop();
        IoHandlerFactory factory;
        if (loopType.equals("nio") || (loopType.equals("auto") && !Epoll.isAvailable())) {
            factory = NioIoHandler.newFactory();
            ioType = "nio";
        } else {
            if (!Epoll.isAvailable()) {
                throw new IllegalStateException(Config.LOOP + "=epoll but native epoll is unavailable: "
                        + Epoll.unavailabilityCause());
            }
            factory = EpollIoHandler.newFactory();
            ioType = "epoll";
        }
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loopMain);
        this.loop = new ManualIoEventLoop(thread, factory);
        thread.start();
        ALL.add(this);
        HubMonitor.hubStarted(this);
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Creates and starts a new hub on its own daemon thread named {@code gevent4j-hub-N}. */
    public static Hub create() {
        return new Hub("gevent4j-hub-" + IDS.getAndIncrement(), false);
    }

    /** Creates and starts a new hub whose thread has the given name. */
    public static Hub create(String threadName) {
        Objects.requireNonNull(threadName, "threadName");
        return new Hub(threadName, false);
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
                h = new Hub("gevent4j-hub-0", true);
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

    /** The name of the hub's thread. */
    public String getName() {
        return name;
    }

    /** The IO backend the hub's loop uses: {@code "epoll"} or {@code "nio"}. */
    public String ioType() {
        return ioType;
    }

    /** The hub's platform thread. */
    public Thread thread() {
        return thread;
    }

    /** The hub's Netty loop, for IO registrations. Its owning thread is {@link #thread()}. */
    public ManualIoEventLoop eventLoop() {
        return loop;
    }

    /**
     * The hub's thread pool, for CPU-bound or non-cooperative blocking work (gevent's {@code hub.threadpool}):
     * created on first use with {@code gevent4j.threadpool.size} threads (default 10), shut down by {@link #close()}.
     *
     * @throws IllegalStateException if the hub is closed
     */
    public dev.gevent4j.io.ThreadPool threadPool() {
        checkOpen();
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

    /** Whether the caller runs on this hub's thread: the hub thread itself, or one of its greenlets. */
    public boolean inHub() {
        Thread t = Thread.currentThread();
        return t == thread || (t.isVirtual() && JdkAccess.currentCarrierThread() == thread);
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
        submit(c);
        return c;
    }

    /**
     * Runs {@code action} on the hub thread once {@code delay} has passed.
     *
     * @throws IllegalArgumentException if delay is negative
     * @throws IllegalStateException if the hub is closed
     */
    public DelayedCall callLater(Duration delay, Runnable action) {
        long nanos = Gevent.checkDuration(delay, "delay");
        Objects.requireNonNull(action, "action");
        Call c = new Call(action, System.nanoTime() + nanos);
        schedule(c);
        return c;
    }

    /**
     * Runs {@code action} on the hub thread at {@code when} (wall clock; a time in the past runs it soon).
     *
     * @throws IllegalStateException if the hub is closed
     */
    public DelayedCall callAt(Instant when, Runnable action) {
        Objects.requireNonNull(when, "when");
        Duration d = Duration.between(Instant.now(), when);
        return callLater(d.isNegative() ? Duration.ZERO : d, action);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Internal API for greenlets, waits and IO (package-private or documented as internal)

    /** Creates an unstarted virtual thread scheduled by this hub. */
    Thread newThread(Runnable body) {
        checkOpen();
        return builder.unstarted(body);
    }

    void checkOpen() {
        if (state != OPEN) {
            throw new IllegalStateException("hub " + name + " is closed: create a new hub or use Hub.getDefault()");
        }
    }

    boolean isClosing() {
        return state != OPEN;
    }

    /** The virtual-thread scheduler: appends a continuation (or callback) to the ready queue. Any thread. */
    private void enqueue(Runnable task) {
        if (inHub()) {
            ready.addLast(task);
        } else {
            post(() -> ready.addLast(task));
        }
    }

    /** Adds a runnable to the ready queue; from outside the hub via the loop's task queue. */
    private void submit(Runnable r) {
        checkOpen();
        enqueue(r);
    }

    /** Runs {@code task} on the hub thread as soon as the loop polls. Any thread. */
    private void post(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            if (state == CLOSED) {
                LOG.log(System.Logger.Level.DEBUG, "hub {0} is closed; dropped a wake-up", name);
            } else {
                throw e;
            }
        }
    }

    /** Adds a timer; from outside the hub via the loop's task queue. Any thread. */
    void schedule(TimerQueue.Timer t) {
        checkOpen();
        if (inHub()) {
            timers.add(t);
        } else {
            post(() -> {
                if (!(t instanceof Call c) || !c.isCancelled()) {
                    timers.add(t);
                }
            });
        }
    }

    /** Removes a timer. Any thread; from outside the hub the removal is posted. */
    void cancel(TimerQueue.Timer t) {
        if (inHub()) {
            timers.remove(t);
        } else if (state == OPEN) {
            post(() -> timers.remove(t));
        }
    }

    /**
     * Starts a greenlet's thread spawned by a caller outside this hub. So that {@code spawn(A); spawn(B)} from
     * {@code main} behaves as in gevent (nothing runs until the spawner blocks), such starts are held until the
     * spawning thread blocks (in a gevent4j wait, or anywhere else, checked every millisecond), or at most
     * {@link #DEFERRED_START_MAX_NANOS}, and then all start together in spawn order. Any thread.
     *
     * <p>Only gevent4j's own spawn API holds a start; an application {@code Thread.start()} that the agent turned into
     * a greenlet starts at once ({@link #startNow}), as Java promises for a started thread.
     */
    void startFromOutside(Thread t) {
        deferredStarts.add(t);
        Greenlet<?> g = Greenlet.currentGreenlet();
        Strand s = g != null ? g.strand : Strand.outside();
        s.noteDeferredTo(this);
        lastSpawner = Thread.currentThread();
        armDeferredCheck();
    }

    /**
     * Starts a greenlet's thread without any hold: it runs as soon as the hub reaches it, after every entry already
     * queued (FIFO). From outside the hub the start is posted to the loop. Any thread.
     */
    void startNow(Thread t) {
        t.start();
    }

    /*
     * The hold's protocol (any thread adds; only the hub thread starts). `flushScheduled` is true from the moment a
     * spawner arms a check until that check has run or a flush removed it; while it is true no spawner arms another.
     * Whoever clears the flag (the check at its end, or a flush on the hub) re-reads the queue afterwards and arms a
     * new check if a start slipped in meanwhile, so a held start always has a check coming: no start is held forever.
     * An extra check (armed while an older one is still in flight) only finds the queue empty and ends.
     */

    /** Makes sure a check is coming for the held starts. Any thread. */
    private void armDeferredCheck() {
        if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
            DeferredStartCheck check = new DeferredStartCheck(System.nanoTime());
            if (inHub()) {
                addDeferredCheck(check);
            } else {
                post(() -> addDeferredCheck(check));
            }
        }
    }

    /** MUST be called on the hub. */
    private void addDeferredCheck(DeferredStartCheck check) {
        pendingCheck = check;
        timers.add(check);
    }

    /** MUST be called on the hub, after the held starts were taken: clears the flag, then re-arms if needed. */
    private void deferredChecked() {
        flushScheduled.set(false);
        if (!deferredStarts.isEmpty()) {
            armDeferredCheck();
        }
    }

    /**
     * The backstop for a spawner that never blocks in a gevent4j wait: every millisecond, start the deferred
     * greenlets once the spawner is no longer runnable (it blocked somewhere else, or ended), or at the latest after
     * {@link #DEFERRED_START_MAX_NANOS}.
     */
    private final class DeferredStartCheck extends TimerQueue.Timer {
        private final long since;

        DeferredStartCheck(long since) {
            super(System.nanoTime() + DEFERRED_START_NANOS);
            this.since = since;
        }

        @Override
        public void fire() {
            if (pendingCheck == this) {
                pendingCheck = null;
            }
            if (!deferredStarts.isEmpty()) {
                Thread spawner = lastSpawner;
                if (state == OPEN && spawner != null && spawner.getState() == Thread.State.RUNNABLE
                        && System.nanoTime() - since < DEFERRED_START_MAX_NANOS) {
                    addDeferredCheck(new DeferredStartCheck(since)); // the flag stays set: this check goes on
                    return;
                }
                startDeferred();
            }
            deferredChecked();
        }
    }

    /** Starts every deferred greenlet, in spawn order. Any thread. */
    void flushDeferredStarts() {
        if (deferredStarts.isEmpty()) {
            return;
        }
        if (!inHub()) {
            post(this::flushDeferredStarts);
            return;
        }
        startDeferred();
        if (pendingCheck != null) {
            timers.remove(pendingCheck); // the spawner blocked: no need to check on it any more
            pendingCheck = null;
            deferredChecked();
        }
    }

    /** MUST be called on the hub. */
    private void startDeferred() {
        Thread t;
        while ((t = deferredStarts.poll()) != null) {
            t.start();
        }
    }

    /** MUST be called on the hub: a greenlet starts running. */
    void addLive(Greenlet<?> g) {
        g.liveNext = liveHead;
        if (liveHead != null) {
            liveHead.livePrev = g;
        }
        liveHead = g;
        liveCount++;
    }

    /** MUST be called on the hub: a greenlet ended. */
    void removeLive(Greenlet<?> g) {
        if (g.livePrev != null) {
            g.livePrev.liveNext = g.liveNext;
        } else if (liveHead == g) {
            liveHead = g.liveNext;
        }
        if (g.liveNext != null) {
            g.liveNext.livePrev = g.livePrev;
        }
        g.liveNext = g.livePrev = null;
        liveCount--;
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
        return h != null && h.scheduler == scheduler && h.state == OPEN ? h : null;
    }

    /** IO registrations count towards "the hub has work" for LoopExit. MUST be called on the hub. */
    public void ioRegistered(int delta) {
        ioRegistrations += delta;
    }

    /** A thread outside the hub starts an untimed wait on this hub's greenlets. */
    void addOutsideWaiter(Waits.OutsideWait w) {
        outsideWaiters.add(w);
        if (state == OPEN) {
            post(() -> { }); // wake the loop so it re-checks for LoopExit
        }
    }

    void removeOutsideWaiter(Waits.OutsideWait w) {
        outsideWaiters.remove(w);
    }

    /** Number of greenlets that have started and not yet ended. MUST be called on the hub. */
    int liveCount() {
        return liveCount;
    }

    /** Entries run so far (any thread; a recent value). */
    long entriesRun() {
        return (long) ENTRIES.getOpaque(this);
    }

    /** Whether the hub is waiting for IO or tasks (any thread; a recent value). */
    boolean isPolling() {
        return (boolean) IN_POLL.getOpaque(this);
    }

    /** A recent count of ready entries (any thread; racy). */
    int readyCountRacy() {
        try {
            return ready.size();
        } catch (RuntimeException e) {
            return -1;
        }
    }

    int liveCountRacy() {
        return liveCount;
    }

    int timerCountRacy() {
        return timers.size();
    }

    int ioRegistrationsRacy() {
        return ioRegistrations;
    }

    long loopIterationsRacy() {
        return loopIterations;
    }

    /** The first live greenlet, for dumps; traverse with {@link Greenlet#liveNext}. Racy off the hub. */
    Greenlet<?> liveHead() {
        return liveHead;
    }

    /** Number of greenlet starts held until their spawner blocks. */
    int deferredStartCount() {
        return deferredStarts.size();
    }

    /** Statistics snapshot, for tests and monitoring: [ready, timers, live, ioRegistrations, iterations]. */
    long[] stats() {
        if (!inHub()) {
            throw new IllegalStateException("stats() MUST be called on the hub");
        }
        return new long[] {ready.size(), timers.size(), liveCount, ioRegistrations, loopIterations};
    }

    /**
     * A snapshot of the hub's counters, for tests and monitoring. Any thread: from outside the hub the counters are
     * read by a task on the hub (waiting at most one second); a closed hub reports zeros.
     */
    public Stats snapshotStats() {
        if (inHub()) {
            long[] s = stats();
            return new Stats((int) s[0], (int) s[1], (int) s[2], (int) s[3], s[4]);
        }
        if (state == CLOSED) {
            return new Stats(0, 0, 0, 0, loopIterations);
        }
        java.util.concurrent.CompletableFuture<Stats> f = new java.util.concurrent.CompletableFuture<>();
        try {
            loop.execute(() -> f.complete(snapshotStats()));
            return f.get(1, java.util.concurrent.TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            return new Stats(0, 0, 0, 0, loopIterations);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("hub " + name + " did not answer a stats request within 1 s", e);
        }
    }

    /**
     * Counters of a hub at one moment: runnable entries, pending timers, live greenlets (started and not ended), IO
     * registrations, and loop iterations so far.
     */
    public record Stats(int ready, int timers, int liveGreenlets, int ioRegistrations, long loopIterations) {}

    // ------------------------------------------------------------------------------------------------------------
    // The loop

    private void loopMain() {
        OWN_THREAD.set(this);
        started.countDown();
        long closeDeadline = 0;
        try {
            while (true) {
                loopIterations++;
                runReady();
                runDueTimers();
                if (!ready.isEmpty()) {
                    loop.runNow();
                    continue;
                }
                if (state != OPEN) {
                    if (closeDeadline == 0) {
                        closeDeadline = System.nanoTime() + closeGraceNanos;
                        flushDeferredStarts();
                        killAllLive();
                        continue;
                    }
                    if (liveCount == 0) {
                        loop.runNow(); // wake-ups posted from other threads may still start greenlets
                        if (ready.isEmpty()) {
                            break;
                        }
                        continue;
                    }
                    if (System.nanoTime() - closeDeadline >= 0) {
                        abandonLive();
                        break;
                    }
                }
                long next = timers.nextDeadline();
                if (next == Long.MAX_VALUE && ioRegistrations == 0 && !outsideWaiters.isEmpty()) {
                    // A waiter registers after it posts its wake-ups: take the registered waiters first, then drain
                    // their wake-ups, then judge only those. A waiter that registers meanwhile (say, right after it
                    // spawned from outside) is judged on a later pass, once its own wake-ups have been drained.
                    Waits.OutsideWait[] judged = outsideWaiters.toArray(new Waits.OutsideWait[0]);
                    loop.runNow();
                    // runNow may also have consumed close()'s wake-up: re-read the state before blocking.
                    if (!ready.isEmpty() || !timers.isEmpty() || state != OPEN) {
                        continue;
                    }
                    checkLoopExit(judged);
                }
                long wait = next == Long.MAX_VALUE ? 0 : Math.max(1, next - System.nanoTime());
                if (closeDeadline != 0) {
                    wait = wait == 0 ? 10_000_000 : Math.min(wait, 10_000_000);
                }
                IN_POLL.setOpaque(this, true);
                loop.run(wait);
                IN_POLL.setOpaque(this, false);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "hub " + name + " loop died", t);
        } finally {
            state = CLOSED;
            ALL.remove(this);
            HubMonitor.hubClosed(this);
            if (liveCount > 0) {
                LOG.log(System.Logger.Level.WARNING, "hub {0} closed with {1} greenlet(s) that did not end after kill",
                        name, liveCount);
            }
            shutdownLoop();
            terminated.countDown();
        }
    }

    private void runReady() {
        ArrayDeque<Runnable> q = ready;
        if (q.isEmpty()) {
            return;
        }
        long start = jdk.jfr.FlightRecorder.isInitialized() && LoopEvent.enabled() ? System.nanoTime() : 0;
        long e = entries;
        int n = 0;
        while (n < batch) {
            Runnable r = q.pollFirst();
            if (r == null) {
                break;
            }
            n++;
            ENTRIES.setOpaque(this, ++e);
            try {
                r.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "uncaught exception in a callback on hub " + name, t);
            }
        }
        if (start != 0) {
            long d = System.nanoTime() - start;
            if (d >= HubLoopEvent.THRESHOLD_NANOS) {
                HubMonitor.loopPass(this, n, d);
            }
        }
    }

    private void runDueTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        TimerQueue.Timer t;
        while ((t = timers.pollDue(now)) != null) {
            ENTRIES.setOpaque(this, entries + 1);
            try {
                t.fire();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "uncaught exception in a timer on hub " + name, e);
            }
        }
    }

    private void checkLoopExit(Waits.OutsideWait[] judged) {
        if (!deferredStarts.isEmpty()) {
            return;
        }
        for (Greenlet<?> g = liveHead; g != null; g = g.liveNext) {
            if (g.strand.waitState() != Strand.IN_WAIT_INTERNAL) {
                return;
            }
        }
        for (Waits.OutsideWait w : judged) {
            w.loopExit(new LoopExit("this operation would block forever: hub " + name + " has " + liveCount
                    + " greenlet(s), all waiting on each other, and no timers or IO that could wake them"
                    + " (waiting: " + w.describe() + "; " + outsideWaiters.size() + " outside waiter(s))"));
        }
    }

    private void killAllLive() {
        for (Greenlet<?> g = liveHead; g != null; g = g.liveNext) {
            g.strand.deliver(new GreenletExit("hub " + name + " closed"));
        }
    }

    /** Greenlets that ignored the kill past the grace period: their joiners are released with GreenletExit. */
    private void abandonLive() {
        for (Greenlet<?> g = liveHead; g != null; g = g.liveNext) {
            g.abandon(new GreenletExit("hub " + name + " closed; the greenlet did not end within the grace period"));
        }
    }

    private void shutdownLoop() {
        try {
            loop.shutdown();
            for (int i = 0; i < 1000 && !loop.isTerminated(); i++) {
                loop.runNow();
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "hub " + name + ": error closing the event loop", t);
        }
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
        if (inHub()) {
            throw new IllegalStateException("Hub.close() called on hub " + name
                    + " from its own thread or greenlet: close a hub from outside it");
        }
        synchronized (this) {
            if (state == OPEN) {
                state = CLOSING;
                post(() -> { });
            }
        }
        boolean interrupted = false;
        while (true) {
            try {
                terminated.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            interrupted = true;
        }
        dev.gevent4j.io.ThreadPool pool;
        synchronized (this) {
            pool = threadPool;
        }
        if (pool != null) {
            pool.close();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Hub[" + name + ", " + ioType + (state == OPEN ? "" : ", closed") + "]";
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
