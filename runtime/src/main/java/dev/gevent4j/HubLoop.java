package dev.gevent4j;

import dev.gevent4j.internal.JdkAccess;
import dev.gevent4j.internal.TimerQueue;
import dev.gevent4j.internal.jfr.HubLoopEvent;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ManualIoEventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A hub's loop: its platform thread, the Netty {@link ManualIoEventLoop} it drives, the ready queue, the timer heap
 * and the list of live greenlets. {@link Hub} is the facade; this is the engine.
 *
 * <pre>{@code
 * loop.enqueue(continuation);   // the virtual-thread scheduler: any thread
 * loop.timers().add(timer);     // on the hub thread
 * }</pre>
 *
 * <p>Thread contract: {@link #enqueue}, {@link #post}, {@link #addTimer}, {@link #removeTimer} and the racy readers
 * may be called from any thread. Everything else MUST be called from the hub thread — the hub's platform thread, or
 * a greenlet mounted on it ({@link #inLoop()}). Nothing here blocks except {@link #run()}, the loop itself.
 */
final class HubLoop {
    /*
     * Implementation overview.
     *
     * The hub thread runs run(): up to `batch` entries of the ready queue (greenlet continuations handed over by the
     * virtual-thread machinery through `scheduler`, and callSoon callbacks), then every due timer, then either a
     * non-blocking poll of IO and cross-thread tasks (more work is ready) or a blocking one in the Netty loop until
     * the next timer, IO readiness, or a task from another thread. State touched only "on the hub" (ready, timers,
     * the live list, the IO registration count) is safe from the hub platform thread and from any greenlet mounted
     * on it, because only one of them runs at a time; other threads reach it by posting a task to the Netty loop
     * (an MPSC queue plus an eventfd wake-up), which is how enqueue() hands over a continuation unparked elsewhere.
     *
     * Before blocking with no timer and no IO registration, the loop lets the LoopExitDetector judge the outside
     * waiters. On close it flushes held starts, kills the live greenlets, waits up to the grace period for them to
     * end, then stops.
     */

    private static final System.Logger LOG = System.getLogger("dev.gevent4j");
    /**
     * HubLoop's event type, looked up once JFR is initialised: the lookup (like initialising any JFR event class on
     * JDK 25) initialises JFR's metadata, about 100 ms of every hub start and, under the agent with main=true, of
     * every JVM start; without an initialised FlightRecorder no recording can want the event.
     */
    private static final class LoopEvent {
        static final jdk.jfr.EventType TYPE = jdk.jfr.EventType.getEventType(HubLoopEvent.class);

        private LoopEvent() {}
    }

    private final Hub hub;
    private final Thread thread;
    private final ManualIoEventLoop loop;
    private final String ioType;
    private final int batch;
    private final long closeGraceNanos;
    /** The virtual-thread scheduler of the hub's greenlets: appends a continuation to the ready queue. */
    final Executor scheduler = this::enqueueContinuation;
    private final Thread.Builder.OfVirtual builder;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch terminated = new CountDownLatch(1);
    final HubCounters counters = new HubCounters();

    // --- hub-confined state (hub thread, or a greenlet mounted on it) ---
    private final ArrayDeque<Runnable> ready = new ArrayDeque<>(256);
    private final TimerQueue timers = new TimerQueue();
    private Greenlet<?> liveHead;
    private int liveCount;
    private int ioRegistrations;
    /** Greenlets parked in Waits (hub-confined); of those, untimed waits for something outside the hub. */
    private int greenletsInWaits;
    private int greenletsWaitingOutside;

    // --- the clock ---
    /** Whether the hub runs on virtual time (see {@link Hub.Builder#virtualTime}). */
    final boolean virtualTime;
    /** The virtual clock, in nanoTime units; written only on the hub thread, read from any thread. */
    private volatile long virtualNanos;
    /** Real nanoTime and the hub clock at creation: for {@link Hub#instant()}. */
    final long createdNanos = System.nanoTime();
    final java.time.Instant createdInstant = java.time.Instant.now();

    // --- seeded schedules (null/empty unless the hub has a seed) ---
    /** The seeded random source of the perturbations; hub-confined. */
    private final java.util.SplittableRandom perturb;
    /** Upper bound of the random delay added to each timer, in nanos. */
    private final long timerJitterNanos;
    /** Wake-ups from other threads taken in one poll, before they are shuffled into the ready queue. */
    private final java.util.ArrayList<Runnable> outsideArrivals = new java.util.ArrayList<>();
    /**
     * Whether IO is perturbed too: the wake-ups that the loop's IO handlers and posted tasks make on the hub thread
     * during one poll join {@link #outsideArrivals}, and some arrivals are deferred by a few passes.
     */
    private final boolean perturbIo;
    /** The seed, for the IO perturbations' per-greenlet draws. */
    private final long seed;
    /**
     * Seeded, with {@link #perturbIo}: each greenlet's continuation task, to its arrival key (its creation index on
     * this hub and how many arrivals it had). Weak: a greenlet that ended leaves no entry behind. Any thread.
     */
    private final java.util.Map<Runnable, ArrivalKey> arrivalKeys;
    private final java.util.concurrent.atomic.AtomicLong threadsCreated = new java.util.concurrent.atomic.AtomicLong();
    /** Hub-confined: the arrival count of continuations with no key (not created by this hub: none in practice). */
    private long unkeyedArrivals;
    /** Hub-confined: true while the hub thread polls (IO handlers and posted tasks run). */
    private boolean polling;
    /** Seeded: arrivals deferred by a few passes of the loop, and how many passes each still waits (parallel). */
    private final java.util.ArrayList<Runnable> deferred = new java.util.ArrayList<>();
    private final java.util.ArrayList<Integer> deferredPasses = new java.util.ArrayList<>();
    /** Seeded IO delivery delays: an arrival is deferred with probability 1/DEFER_ONE_IN, by 1..MAX passes. */
    private static final int DEFER_ONE_IN = 4;
    private static final int DEFER_MAX_PASSES = 3;

    /** The JDK thread container the hub's greenlet threads start in (a GreenletContainer), or null: see JdkAccess. */
    private final Object container;

    HubLoop(Hub hub, String threadName) {
        this(hub, threadName, false, null, 0, false);
    }

    HubLoop(Hub hub, String threadName, boolean virtualTime, Long seed, long timerJitterNanos, boolean perturbIo) {
        this.hub = hub;
        this.virtualTime = virtualTime;
        if (virtualTime) {
            dev.gevent4j.internal.VirtualTimeHubs.created = true; // before any greenlet of this hub can run
        }
        this.perturb = seed == null ? null : new java.util.SplittableRandom(seed);
        this.perturbIo = seed != null && perturbIo;
        this.seed = seed == null ? 0 : seed;
        this.arrivalKeys = this.perturbIo
                ? java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>()) : null;
        this.timerJitterNanos = timerJitterNanos;
        this.virtualNanos = createdNanos;
        this.batch = Config.hubBatch();
        this.closeGraceNanos = Config.closeGraceMillis() * 1_000_000L;
        this.builder = JdkAccess.virtualThreadBuilder(scheduler);
        this.container = JdkAccess.newGreenletContainer("gevent4j hub " + hub.getName(),
                () -> Dumps.liveThreads(hub), () -> liveCount);
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
        this.thread = Thread.ofPlatform().name(threadName).daemon(true).unstarted(this::run);
        this.loop = new ManualIoEventLoop(thread, factory);
    }

    /** Starts the hub thread. Called once, by the hub's constructor. */
    void start() {
        thread.start();
    }

    /** Waits until the loop runs. Called once, by the hub's constructor. */
    void awaitStarted() {
        try {
            started.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until the loop has ended; returns whether the wait was interrupted. Any thread but the hub's. */
    boolean awaitTerminated() {
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
        return interrupted;
    }

    Thread thread() {
        return thread;
    }

    String ioType() {
        return ioType;
    }

    /** The Netty loop: IO registrations MUST be made from the hub thread. */
    ManualIoEventLoop eventLoop() {
        return loop;
    }

    /** Whether the caller runs on the hub thread: the hub's platform thread, or one of its greenlets. */
    boolean inLoop() {
        Thread t = Thread.currentThread();
        return t == thread || (t.isVirtual() && JdkAccess.currentCarrierThread() == thread);
    }

    /** Creates an unstarted virtual thread scheduled by this loop. Any thread. */
    Thread newThread(Runnable body) {
        Thread t = builder.unstarted(body);
        if (arrivalKeys != null) {
            Runnable rc = JdkAccess.runContinuation(t);
            if (rc != null) {
                arrivalKeys.put(rc, new ArrivalKey(threadsCreated.getAndIncrement()));
            }
        }
        return t;
    }

    /**
     * A greenlet's identity for the seeded IO perturbations: its creation index on the hub (deterministic when the
     * greenlets are spawned on the hub) and the number of its arrivals so far. Hub-confined after creation.
     */
    private static final class ArrivalKey {
        final long index;
        long arrivals;

        ArrivalKey(long index) {
            this.index = index;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The enqueue path

    /**
     * The virtual-thread scheduler: appends a continuation (or a callSoon callback) to the ready queue — directly on
     * the hub thread, else by a task posted to the Netty loop, which appends it when the loop runs the task. Any
     * thread.
     */
    void enqueue(Runnable task) {
        if (inLoop()) {
            ready.addLast(task);
        } else {
            post(() -> ready.addLast(task));
        }
    }

    /**
     * The virtual-thread scheduler: {@link #enqueue}, except that on a seeded hub a continuation made ready by
     * another thread waits in {@link #outsideArrivals} for its seeded place, and so does (with {@link #perturbIo}) one
     * made ready on the hub thread while it polls: by an IO handler (an fd's readiness) or a task posted from another
     * thread. Wake-ups made by greenlets, timers and callSoon callbacks, and greenlet starts, keep their FIFO order.
     */
    private void enqueueContinuation(Runnable task) {
        if (perturb != null) {
            if (!inLoop()) {
                post(() -> outsideArrivals.add(task));
                return;
            }
            if (polling && Thread.currentThread() == thread) {
                outsideArrivals.add(task);
                return;
            }
        }
        enqueue(task);
    }

    /**
     * Starts a greenlet's virtual thread: its continuation enters the ready queue in start order even while the hub
     * thread polls (a held start flushed by a posted task), because spawn order is FIFO. Hub thread.
     */
    void startInOrder(Thread t) {
        boolean p = polling;
        polling = false;
        try {
            startThread(t);
        } finally {
            polling = p;
        }
    }

    /** Starts a greenlet's virtual thread in the hub's thread container. Any thread. */
    void startThread(Thread t) {
        JdkAccess.start(t, container);
    }

    /** Runs {@code task} on the hub thread as soon as the loop polls, waking it if it blocks. Any thread. */
    void post(Runnable task) {
        try {
            loop.execute(task);
        } catch (RejectedExecutionException e) {
            if (hub.isTerminated()) {
                LOG.log(System.Logger.Level.DEBUG, "hub {0} is closed; dropped a wake-up", hub.getName());
            } else {
                throw e;
            }
        }
    }

    /** Wakes the loop, if it is open, so that it re-checks its state. Any thread. */
    void wakeUp() {
        if (!hub.isClosed()) {
            post(() -> { });
        }
    }

    /**
     * Adds a timer; from outside the hub via the loop's task queue (a timer cancelled before that task runs is not
     * added). Any thread.
     */
    void addTimer(TimerQueue.Timer t) {
        if (inLoop()) {
            addTimerOnHub(t);
        } else {
            post(() -> {
                if (!t.isCancelled()) {
                    addTimerOnHub(t);
                }
            });
        }
    }

    /** Seeded: delays the timer by a random amount up to the jitter bound, then queues it. Hub thread. */
    private void addTimerOnHub(TimerQueue.Timer t) {
        if (perturb != null && timerJitterNanos > 0) {
            t.delayBy(perturb.nextLong(timerJitterNanos + 1));
        }
        timers.add(t);
    }

    /** Runs what other threads posted, without blocking, then admits their wake-ups. Hub thread. */
    private void pollNow() {
        polling = perturbIo;
        try {
            loop.runNow();
        } finally {
            polling = false;
        }
        admitOutside();
    }

    /** Polls, blocking up to {@code waitNanos} (0: until something happens), then admits the wake-ups. Hub thread. */
    private void pollBlocking(long waitNanos) {
        polling = perturbIo;
        try {
            loop.run(waitNanos);
        } finally {
            polling = false;
        }
        admitOutside();
    }

    /**
     * Seeded: the wake-ups other threads posted during one poll enter the ready queue in a seeded random order (the
     * order in which concurrent threads' wake-ups arrive is unspecified anyway; each greenlet's own order is kept, as
     * one poll holds at most one wake-up per parked greenlet). Hub thread.
     */
    private void admitOutside() {
        if (!deferred.isEmpty()) {
            admitDeferred();
        }
        int n = outsideArrivals.size();
        if (n == 0) {
            return;
        }
        if (perturbIo) {
            admitPerturbed(n);
            return;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = perturb.nextInt(i + 1);
            Runnable tmp = outsideArrivals.get(i);
            outsideArrivals.set(i, outsideArrivals.get(j));
            outsideArrivals.set(j, tmp);
        }
        ready.addAll(outsideArrivals);
        outsideArrivals.clear();
    }

    /**
     * Seeded, with {@link #perturbIo}: one poll's arrivals (IO wake-ups and other threads' wake-ups) enter the ready
     * queue ordered by a random draw per arrival, and some are deferred by 1..{@link #DEFER_MAX_PASSES} passes of the
     * loop (the greenlets ready now run first, and later polls' arrivals may overtake them; each pass is a busy pass,
     * 1 us of virtual time — a pass, not a timer, so the delay does not depend on how long real waits take). The draw
     * of a greenlet's k-th arrival is a function of the seed, the greenlet's creation index on the hub and k alone, not
     * of a shared random stream: a wait that real timing sometimes skips (a pool result ready before its reader
     * parked) shifts no other greenlet's draws, so a replay meets the same choices at the same points. Hub thread.
     */
    private void admitPerturbed(int n) {
        long[] draws = new long[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            ArrivalKey k = arrivalKeys.get(outsideArrivals.get(i));
            long index = k == null ? -1 : k.index;
            long count = k == null ? unkeyedArrivals++ : k.arrivals++;
            draws[i] = mix(mix(seed ^ 0x5851F42D4C957F2DL) + index * 0x9E3779B97F4A7C15L + count);
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Long.compare(draws[x], draws[y]));
        for (int i : order) {
            Runnable r = outsideArrivals.get(i);
            long d = mix(draws[i]) >>> 1;
            if (d % DEFER_ONE_IN == 0) {
                deferred.add(r);
                deferredPasses.add(1 + (int) ((d / DEFER_ONE_IN) % DEFER_MAX_PASSES));
            } else {
                ready.addLast(r);
            }
        }
        outsideArrivals.clear();
    }

    /** A 64-bit finalizer (SplittableRandom's mix64): consecutive inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Seeded: deferred arrivals whose passes are over enter the ready queue, in the order they were deferred. */
    private void admitDeferred() {
        int kept = 0;
        for (int i = 0; i < deferred.size(); i++) {
            int left = deferredPasses.get(i) - 1;
            if (left <= 0) {
                ready.addLast(deferred.get(i));
            } else {
                deferred.set(kept, deferred.get(i));
                deferredPasses.set(kept, left);
                kept++;
            }
        }
        deferred.subList(kept, deferred.size()).clear();
        deferredPasses.subList(kept, deferredPasses.size()).clear();
    }

    /** Removes a timer. Any thread; from outside the hub the removal is posted (and dropped once closed). */
    void removeTimer(TimerQueue.Timer t) {
        if (inLoop()) {
            timers.remove(t);
        } else if (!hub.isClosed()) {
            post(() -> timers.remove(t));
        }
    }

    /**
     * The hub's clock, in {@link System#nanoTime()} units: nanoTime itself, or on virtual time a clock that stands
     * still while greenlets run, moves with real time while the hub waits for IO or other threads, and jumps to the
     * next timer when every greenlet waits only on timers. Every timer deadline is on this clock. Any thread.
     */
    long now() {
        return virtualTime ? virtualNanos : System.nanoTime();
    }

    /**
     * Virtual time: the hub thread was blocked outside the loop for {@code nanos} of real time (a pinned greenlet
     * parked it): the clock moves with real time, as while the loop waits for IO. Hub thread.
     */
    void advanceClock(long nanos) {
        if (virtualTime && nanos > 0) {
            virtualNanos += nanos;
        }
    }

    /** A greenlet parks in Waits (outside: an untimed wait that only another thread can end). Hub thread. */
    void waitStarted(boolean outside) {
        greenletsInWaits++;
        if (outside) {
            greenletsWaitingOutside++;
        }
    }

    /** The greenlet's Waits wait ended. Hub thread. */
    void waitEnded(boolean outside) {
        greenletsInWaits--;
        if (outside) {
            greenletsWaitingOutside--;
        }
    }

    /**
     * Virtual time: whether the loop may jump its clock to the next timer instead of waiting for it. Only when
     * nothing else can happen first: nothing ready, no IO registration, and every live greenlet parked in a gevent4j
     * wait that a timer or another greenlet of this hub ends (a greenlet parked elsewhere, say in JDK socket IO without
     * the agent, or waiting untimed for another thread, keeps the clock real). Cross-thread tasks already posted have
     * been run by the caller. Hub thread.
     */
    private boolean mayJump() {
        return !hasReady() && ioRegistrations == 0 && greenletsInWaits >= liveCount
                && greenletsWaitingOutside == 0 && !hub.outsideStarts.isHolding();
    }

    /** The timer heap. MUST be used from the hub thread. */
    TimerQueue timers() {
        return timers;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Live greenlets and IO registrations (hub-confined)

    /** A greenlet starts running. MUST be called from the hub thread. */
    void addLive(Greenlet<?> g) {
        g.liveNext = liveHead;
        if (liveHead != null) {
            liveHead.livePrev = g;
        }
        liveHead = g;
        liveCount++;
    }

    /** A greenlet ended. MUST be called from the hub thread. */
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

    /** The first live greenlet; traverse with {@link Greenlet#liveNext}. Exact on the hub thread, racy elsewhere. */
    Greenlet<?> liveHead() {
        return liveHead;
    }

    /** Greenlets started and not yet ended. Exact on the hub thread, racy elsewhere. */
    int liveCount() {
        return liveCount;
    }

    /** IO registrations count towards "the hub has work" for LoopExit. MUST be called from the hub thread. */
    void ioRegistered(int delta) {
        ioRegistrations += delta;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Statistics

    /** The counters now. MUST be called from the hub thread. */
    Hub.Stats statsOnHub() {
        return new Hub.Stats(ready.size(), timers.size(), liveCount, ioRegistrations, counters.loopIterations());
    }

    /** A recent view of the counters, read without the hub's help (any thread; each field racy). */
    Hub.Stats statsRacy() {
        int r;
        try {
            r = ready.size();
        } catch (RuntimeException e) {
            r = -1;
        }
        return new Hub.Stats(r, timers.size(), liveCount, ioRegistrations, counters.loopIterations());
    }

    /**
     * The counters, read on the hub: directly on the hub thread, else by a task on the hub (waiting at most one
     * second); a closed hub reports zeros. Any thread.
     */
    Hub.Stats snapshotStats() {
        if (inLoop()) {
            return statsOnHub();
        }
        if (hub.isTerminated()) {
            return new Hub.Stats(0, 0, 0, 0, counters.loopIterations());
        }
        CompletableFuture<Hub.Stats> f = new CompletableFuture<>();
        try {
            loop.execute(() -> f.complete(statsOnHub()));
            return f.get(1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            return new Hub.Stats(0, 0, 0, 0, counters.loopIterations());
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("hub " + hub.getName() + " did not answer a stats request within 1 s", e);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The loop

    /** The loop itself: the body of the hub thread, until the hub is closed. */
    private void run() {
        Hub.OWN_THREAD.set(hub);
        started.countDown();
        long closeDeadline = 0;
        try {
            while (true) {
                counters.onIteration();
                runReady();
                runDueTimers();
                if (hasReady()) {
                    pollNow();
                    if (virtualTime) {
                        // a microsecond per busy pass: a greenlet that polls the clock with sleep(0) still sees it
                        // move, and the clock stays a function of the schedule alone (replays are exact)
                        virtualNanos += 1_000;
                    }
                    continue;
                }
                if (hub.isClosed()) {
                    if (closeDeadline == 0) {
                        closeDeadline = System.nanoTime() + closeGraceNanos;
                        hub.outsideStarts.flush();
                        killAllLive();
                        continue;
                    }
                    if (liveCount == 0) {
                        pollNow(); // wake-ups posted from other threads may still start greenlets
                        if (!hasReady()) {
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
                if (next == Long.MAX_VALUE && ioRegistrations == 0 && hub.loopExit.hasWaiters()) {
                    // A waiter registers after it posts its wake-ups: take the registered waiters first, then drain
                    // their wake-ups, then judge only those. A waiter that registers meanwhile (say, right after it
                    // spawned from outside) is judged on a later pass, once its own wake-ups have been drained.
                    LoopExitDetector.OutsideWait[] judged = hub.loopExit.judged();
                    pollNow();
                    // runNow may also have consumed close()'s wake-up: re-read the state before blocking.
                    if (hasReady() || !timers.isEmpty() || hub.isClosed()) {
                        continue;
                    }
                    hub.loopExit.check(judged, this);
                }
                if (virtualTime && next != Long.MAX_VALUE && closeDeadline == 0) {
                    pollNow(); // what other threads posted comes first: it may make a greenlet ready
                    if (hasReady() || hub.isClosed()) {
                        continue;
                    }
                    next = timers.nextDeadline();
                    if (next != Long.MAX_VALUE && mayJump()) {
                        if (next - virtualNanos > 0) {
                            virtualNanos = next;
                        }
                        continue;
                    }
                }
                long wait = next == Long.MAX_VALUE ? 0 : Math.max(1, next - now());
                if (closeDeadline != 0) {
                    wait = wait == 0 ? 10_000_000 : Math.min(wait, 10_000_000);
                }
                counters.onPolling(true);
                long before = virtualTime ? System.nanoTime() : 0;
                pollBlocking(wait);
                if (virtualTime) {
                    virtualNanos += System.nanoTime() - before; // waiting for IO or another thread: real time
                }
                counters.onPolling(false);
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "hub " + hub.getName() + " loop died", t);
        } finally {
            hub.loopEnded();
            JdkAccess.closeGreenletContainer(container);
            if (liveCount > 0) {
                LOG.log(System.Logger.Level.WARNING, "hub {0} closed with {1} greenlet(s) that did not end after kill",
                        hub.getName(), liveCount);
            }
            shutdownLoop();
            terminated.countDown();
        }
    }

    /** Whether a continuation or callback waits to run: in the ready queue, or deferred by a seed. Hub thread. */
    private boolean hasReady() {
        return !ready.isEmpty() || !deferred.isEmpty();
    }

    private void runReady() {
        ArrayDeque<Runnable> q = ready;
        if (q.isEmpty()) {
            return;
        }
        long start = jdk.jfr.FlightRecorder.isInitialized() && LoopEvent.TYPE.isEnabled() ? System.nanoTime() : 0;
        int n = 0;
        while (n < batch) {
            Runnable r = q.pollFirst();
            if (r == null) {
                break;
            }
            n++;
            counters.onEntry();
            try {
                r.run();
            } catch (Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "uncaught exception in a callback on hub " + hub.getName(), t);
            }
        }
        if (start != 0) {
            long d = System.nanoTime() - start;
            if (d >= HubLoopEvent.THRESHOLD_NANOS) {
                HubMonitor.loopPass(hub, n, d);
            }
        }
    }

    private void runDueTimers() {
        if (timers.isEmpty()) {
            return;
        }
        long now = now();
        TimerQueue.Timer t;
        while ((t = timers.pollDue(now)) != null) {
            counters.onEntry();
            try {
                t.fire();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.ERROR, "uncaught exception in a timer on hub " + hub.getName(), e);
            }
        }
    }

    private void killAllLive() {
        for (Greenlet<?> g = liveHead; g != null; g = g.liveNext) {
            g.strand.deliver(new GreenletExit("hub " + hub.getName() + " closed"));
        }
    }

    /** Greenlets that ignored the kill past the grace period: their joiners are released with GreenletExit. */
    private void abandonLive() {
        for (Greenlet<?> g = liveHead; g != null; g = g.liveNext) {
            g.abandon(new GreenletExit("hub " + hub.getName()
                    + " closed; the greenlet did not end within the grace period"));
        }
    }

    private void shutdownLoop() {
        try {
            loop.shutdown();
            for (int i = 0; i < 1000 && !loop.isTerminated(); i++) {
                loop.runNow();
            }
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, "hub " + hub.getName() + ": error closing the event loop", t);
        }
    }
}
