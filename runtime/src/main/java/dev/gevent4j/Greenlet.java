package dev.gevent4j;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Strand;
import dev.gevent4j.internal.Throwables;
import dev.gevent4j.internal.jfr.GreenletEndEvent;
import dev.gevent4j.internal.jfr.GreenletSpawnEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A greenlet: a function running as a lightweight thread on a {@link Hub}, cooperatively scheduled with the hub's
 * other greenlets (gevent's {@code Greenlet}, with greenlet's explicit {@link #switchTo switching}).
 *
 * <pre>{@code
 * Greenlet<Integer> g = new Greenlet<>(() -> { Gevent.sleep(10); return 42; });
 * g.start();
 * int v = g.get();            // 42; waits, yielding to the hub if called from a greenlet
 * }</pre>
 *
 * <p>A greenlet is a virtual thread scheduled by its hub, so {@link Thread#currentThread()}, ThreadLocals, locks
 * and stack traces treat it as its own thread. It runs until it blocks — a gevent4j call such as {@link Gevent#sleep},
 * {@link #join}, {@link #get}, or any java.util.concurrent wait — and the hub then runs the next runnable greenlet in
 * first-in first-out order.
 *
 * <p><b>Outcome.</b> A greenlet ends with a value ({@link #isSuccessful()}), with an exception, or killed. A
 * greenlet ended by {@link GreenletExit} counts as successful and its value is that GreenletExit. An exception
 * that ends a greenlet is stored, logged once through {@link System.Logger} (logger {@code dev.gevent4j}), and
 * never affects the hub or other greenlets.
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #kill} raises its exception in the greenlet at its current or next
 * blocking point. In gevent4j's own waits (sleep, join, get, switchTo, the event, lock, queue and pool classes) it
 * is raised directly. Without the agent, a greenlet blocked in a java.util.concurrent wait or {@code Object.wait}
 * receives it as an interrupt: the JDK wait throws {@link InterruptedException}, the lock or queue stays consistent,
 * and if that ends the greenlet, its recorded outcome is the kill's exception, not the InterruptedException. A
 * greenlet blocked in JDK socket IO is interrupted too, and the JDK closes an interrupted socket ("Closed by
 * interrupt"); the agent raises the kill there without closing the socket. A
 * kill or Timeout never arrives while the greenlet runs CPU code without blocking. gevent4j's own waits ignore
 * {@link Thread#interrupt()} (the interrupt status is kept for the next interruptible wait).
 *
 * <p><b>The greenlet's thread.</b> gevent4j uses the uncaught-exception-handler slot of a greenlet's virtual thread
 * to find the greenlet from {@link Thread#currentThread()}: do not replace it with
 * {@code Thread.currentThread().setUncaughtExceptionHandler(...)} inside a greenlet (the greenlet's outcome already
 * captures every exception it ends with).
 *
 * <p><b>Parents and switching.</b> A greenlet's parent is the greenlet (or, outside any hub, the calling thread's
 * root greenlet) that created it. {@link #switchTo} hands a value to another greenlet and waits until a value is
 * switched back; when a greenlet's function ends while its parent waits in {@code switchTo}, the parent receives
 * the result (or the exception is raised in it).
 */
public class Greenlet<T> {
    /*
     * Implementation overview.
     *
     * state: NEW -> STARTED (start(): virtual thread created and handed to the hub) -> RUNNING (the body began on
     * the hub) -> DEAD. kill() of a NEW greenlet moves it NEW -> DEAD directly, so it never runs.
     *
     * Completion: `waiters` is a Treiber stack of Node (joiners to unpark, links to call, joinAll counters). The
     * finishing greenlet swaps in DONE, reverses the stack, and notifies each node in registration order. Links run
     * as callSoon callbacks on the greenlet's hub.
     *
     * Switching: `mailbox` holds a value switched to this greenlet (NONE when empty). switchTo(v) fills the target's
     * mailbox (or starts a NEW target) and waits for its own. A greenlet that ends while its parent waits in a
     * switch fills the parent's mailbox with its result.
     */

    private static final System.Logger LOG = System.getLogger("dev.gevent4j");
    private static final ThreadLocal<Greenlet<?>> ROOT = ThreadLocal.withInitial(() -> new Greenlet<>());
    private static final AtomicLong IDS = new AtomicLong();
    private static final AtomicLong FINISH_SEQ = new AtomicLong();
    private static final Object NONE = new Object();
    private static final Object SWITCH = new Gevent.Blocker("switch (a value switched to it)");
    private static final VarHandle STATE;
    private static final VarHandle WAITERS;
    private static final VarHandle MAILBOX;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Greenlet.class, "state", int.class);
            WAITERS = l.findVarHandle(Greenlet.class, "waiters", Node.class);
            MAILBOX = l.findVarHandle(Greenlet.class, "mailbox", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final int NEW = 0;
    static final int STARTED = 1;
    static final int RUNNING = 2;
    static final int DEAD = 3;

    final Hub hub;
    /** A {@link Body} for a greenlet (also its thread's task); the thread's outside strand for a root greenlet. */
    final Strand strand;
    private final long id;
    private final Greenlet<?> parent;
    private volatile int state;
    private volatile String name;
    /**
     * Until the greenlet ends: its function (a Callable, or a Runnable whose value is null; stored unwrapped, see
     * Body). Once it is DEAD: its value if {@link #successful}, else the exception it failed with. One field for the
     * three keeps the per-greenlet object small (benchmarks/RESULTS.md, "The per-greenlet footprint").
     */
    private Object outcome;
    private boolean successful;
    private long finishSeq;
    private volatile Node waiters;
    private volatile Object mailbox = NONE;
    private volatile boolean awaitingSwitch;

    /** Hub-confined links of the hub's list of live greenlets. */
    Greenlet<?> liveNext;
    Greenlet<?> livePrev;

    /**
     * Creates a greenlet, not yet started, that will run {@code fn} on the current greenlet's hub (the default hub
     * when called outside any hub).
     */
    public Greenlet(Callable<T> fn) {
        this(Hub.currentOrDefault(), fn);
    }

    /** Creates a greenlet, not yet started, that will run {@code fn}; its value is null. */
    public Greenlet(Runnable fn) {
        this(Hub.currentOrDefault(), fn);
    }

    Greenlet(Hub hub, Callable<T> fn) {
        this(hub, (Object) Objects.requireNonNull(fn, "fn"));
    }

    /**
     * A Runnable is kept as it is, not wrapped in a Callable: one object and one frozen stack frame less per parked
     * greenlet (every parked greenlet's frames are copied by the GC; see benchmarks/RESULTS.md, workload 1). An
     * object that is both is wrapped, so that the constructor the caller chose decides which method runs.
     */
    Greenlet(Hub hub, Runnable fn) {
        this(hub, Objects.requireNonNull(fn, "fn") instanceof Callable<?> ? callable(fn) : (Object) fn);
    }

    private Greenlet(Hub hub, Object fn) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.outcome = fn;
        this.id = IDS.incrementAndGet();
        this.strand = new Body(this);
        this.parent = currentOrRoot();
    }

    /** The root greenlet of a thread outside any hub (its strand's thread is that thread). */
    private Greenlet() {
        this.hub = null;
        this.id = IDS.incrementAndGet();
        this.strand = Strand.outside();
        this.parent = null;
        this.state = RUNNING;
    }

    static Callable<Void> callable(Runnable fn) {
        Objects.requireNonNull(fn, "fn");
        return () -> {
            fn.run();
            return null;
        };
    }

    /** The greenlet running the caller, or null outside any greenlet. */
    static Greenlet<?> currentGreenlet() {
        Strand s = Strand.ofCurrentGreenlet();
        return s == null ? null : (Greenlet<?>) s.owner();
    }

    /** The current greenlet, or the calling thread's root greenlet outside any hub. */
    static Greenlet<?> currentOrRoot() {
        Greenlet<?> g = currentGreenlet();
        return g != null ? g : ROOT.get();
    }

    boolean isRoot() {
        return hub == null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Life cycle

    /**
     * Schedules the greenlet to run on its hub, after every greenlet already runnable. Does nothing if it was
     * already started or killed.
     *
     * @throws IllegalStateException if the hub is closed, or this is a thread's root greenlet
     */
    public Greenlet<T> start() {
        return start(true);
    }

    /**
     * Starts the greenlet; {@code holdForSpawner} false skips the outside spawner's hold (an application thread the
     * agent converted starts at once, as a Java thread does).
     */
    Greenlet<T> start(boolean holdForSpawner) {
        if (isRoot()) {
            throw new IllegalStateException("the root greenlet of thread " + strand.thread().getName()
                    + " cannot be started");
        }
        if (state != NEW) {
            return this;
        }
        Thread t = hub.newThread((Body) strand);
        if (!STATE.compareAndSet(this, NEW, STARTED)) {
            return this;
        }
        t.setUncaughtExceptionHandler(strand); // how currentGreenlet() finds this greenlet: see Strand
        String n = name;
        if (n != null) {
            t.setName(n); // named before it started
        }
        strand.setThread(t);
        // Only once JFR is initialised: initialising an event class initialises JFR's metadata (~100 ms).
        GreenletSpawnEvent ev = jdk.jfr.FlightRecorder.isInitialized() ? new GreenletSpawnEvent() : null;
        if (ev != null && ev.isEnabled()) {
            ev.hub = hub.getName();
            ev.greenlet = getName();
            ev.greenletId = id;
            ev.commit();
        }
        if (hub.inHub()) {
            hub.loop.startInOrder(t); // runs once the hub reaches it, FIFO
        } else if (!holdForSpawner) {
            hub.loop.startThread(t); // from outside the hub the start is posted to the loop
        } else {
            hub.outsideStarts.hold(t);
        }
        return this;
    }

    /**
     * Starts the greenlet after {@code delay}, on a timer of its hub.
     *
     * @throws IllegalArgumentException if delay is negative
     */
    public Greenlet<T> startLater(Duration delay) {
        Durations.requiredNanos(delay, "delay");
        if (isRoot()) {
            throw new IllegalStateException("a root greenlet cannot be started");
        }
        hub.callLater(delay, () -> {
            if (state == NEW) {
                start();
            }
        });
        return this;
    }

    /**
     * A greenlet's strand and the task of its virtual thread: {@link #run()} is the greenlet's body. One object is
     * both, and the body is one stack frame between the JDK's {@code VirtualThread.run} and the function, because a
     * parked greenlet's frames are what its {@code StackChunk} holds (benchmarks/RESULTS.md, "The per-greenlet
     * footprint").
     */
    static final class Body extends Strand implements Runnable {
        Body(Greenlet<?> g) {
            super(null);
            setOwner(g);
        }

        /** The greenlet's body. Runs once, on the greenlet's virtual thread; not for anyone else to call. */
        @Override
        public void run() {
            Greenlet<?> g = (Greenlet<?>) owner();
            if (Thread.currentThread() != thread()) {
                throw new IllegalStateException("the body of " + g + " runs only on its own thread");
            }
            Object v = null;
            Throwable failure = g.begin();
            if (failure == null) {
                try {
                    if (g.outcome instanceof Callable<?> c) {
                        v = c.call();
                    } else {
                        ((Runnable) g.outcome).run();
                    }
                } catch (Throwable t) {
                    failure = t;
                }
            }
            g.end(v, failure, true);
        }
    }

    /** The body's start: joins the hub's live list; returns a kill that came first, or null to run the function. */
    private Throwable begin() {
        hub.loop.addLive(this);
        state = RUNNING;
        Throwable early = strand.takePending();
        if (early != null) {
            return early;
        }
        return hub.isClosed() ? new GreenletExit("hub " + hub.getName() + " closed before the greenlet ran") : null;
    }

    /**
     * The end of a greenlet's life: records the outcome, then wakes a switch-waiting parent, joiners, links and
     * joinAll. {@code ranBody}: called by the body itself (which then also leaves the live list and releases its
     * thread), rather than for a greenlet killed before it ran or abandoned by a closing hub.
     *
     * <p>One method on purpose, with the waking of waiters written out in it: at over 325 bytecodes (C2's
     * FreqInlineSize; {@code GreenletFootprintTest} checks it) the JIT does not inline it into {@link Body#run},
     * whose compiled frame is part of every parked greenlet's {@code StackChunk}. Inlined, this code's register
     * pressure made that frame about 70 B larger per parked greenlet (benchmarks/RESULTS.md, "The per-greenlet
     * footprint").
     */
    private void end(Object v, Throwable failure, boolean ranBody) {
        if (ranBody) {
            // A kill or Timeout that arrived as an interrupt and ended the function is the real outcome (the JDK
            // reports it as InterruptedException, ClosedByInterruptException, "Closed by interrupt", ...).
            Throwable pending = strand.takePending();
            if (pending != null && failure != null && failure != pending) {
                pending.addSuppressed(failure);
                failure = pending;
            }
        }
        if (failure == null) {
            outcome = v;
            successful = true;
        } else if (failure instanceof GreenletExit exit) {
            outcome = exit;
            successful = true;
        } else {
            outcome = failure;
            successful = false;
        }
        finishSeq = FINISH_SEQ.incrementAndGet();
        state = DEAD;
        GreenletEndEvent ev = jdk.jfr.FlightRecorder.isInitialized() ? new GreenletEndEvent() : null;
        if (ev != null && ev.isEnabled()) {
            ev.hub = hub.getName();
            ev.greenlet = getName();
            ev.greenletId = id;
            ev.successful = successful;
            ev.exception = successful ? null : String.valueOf(outcome);
            ev.commit();
        }
        // Still live while logging (when ranBody): a contended or slow log handler may park the greenlet here, and
        // a parked greenlet missing from the live list would let the hub declare LoopExit meanwhile.
        if (!successful) {
            LOG.log(System.Logger.Level.WARNING, this + " failed", failure);
        }
        // The parent first: once joiners are woken, the parent may move on and start an unrelated switch.
        Greenlet<?> p = parent;
        if (p != null && p.awaitingSwitch) {
            p.deliverSwitch(successful ? outcome : new SwitchFailure((Throwable) outcome));
        }
        // Waiters, in registration order: take the stack, reverse it, notify each.
        Node h = (Node) WAITERS.getAndSet(this, Node.DONE);
        Node rev = null;
        Node shared = null;
        while (h != null && h != Node.DONE) {
            if (h instanceof SharedNode) {
                shared = h; // only ever the bottom of the stack, and its next is not ours to write
                break;
            }
            Node next = h.next;
            h.next = rev;
            rev = h;
            h = next;
        }
        if (shared != null) {
            notify(shared); // registered first
        }
        for (; rev != null; rev = rev.next) {
            notify(rev);
        }
        if (ranBody) {
            hub.loop.removeLive(this);
            // A finished greenlet keeps its outcome, not its thread: a list of finished greenlets (joinAll's
            // argument, a user's collection) then holds no VirtualThread/Continuation objects, which would otherwise
            // stay reachable and be copied by every young collection until the list is dropped (benchmarks/
            // RESULTS.md, workload 1). The JDK already drops the frozen stack of a finished continuation.
            strand.setThread(null);
        }
    }

    /** Called by a closing hub for a greenlet that would not end: releases its joiners. */
    void abandon(GreenletExit exit) {
        if ((int) STATE.getAndSet(this, DEAD) != DEAD) {
            state = RUNNING;
            end(null, exit, false);
        }
    }

    private void notify(Node n) {
        try {
            n.onDone(this);
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.ERROR, "error notifying a waiter of " + this, t);
        }
    }

    /**
     * Adds a completion node; returns false (without adding) if the greenlet is already dead. A {@link SharedNode}
     * is stored as it is when the stack is empty (joinAll's common case: no object per greenlet), else through a
     * {@link SharedRef}.
     */
    boolean addNode(Node n) {
        while (true) {
            Node h = waiters;
            if (h == Node.DONE) {
                return false;
            }
            if (n instanceof SharedNode s) {
                if (h == null) {
                    if (WAITERS.compareAndSet(this, null, s)) {
                        return true;
                    }
                    continue;
                }
                n = new SharedRef(s); // the stack only grows until DONE: h stays non-null from here on
            }
            n.next = h;
            if (WAITERS.compareAndSet(this, h, n)) {
                return true;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Kill

    /*
     * gevent's kill(exception=GreenletExit, block=True, timeout=None) as named methods: kill(...) waits for the end,
     * killNowait(...) does not (as putNowait/getNowait do not wait), and a timeout is a Duration argument.
     */

    /** Kills the greenlet with a new {@link GreenletExit} and waits for it to end (gevent's default). */
    public void kill() {
        kill(new GreenletExit());
    }

    /** Kills the greenlet with {@code exception} and waits for it to end. */
    public void kill(Throwable exception) {
        kill(exception, null);
    }

    /**
     * Raises {@code exception} in the greenlet at its current or next blocking point, then waits at most
     * {@code timeout} (null = no limit) for it to end. Never raises in the caller (except when a greenlet kills
     * itself: then the exception is raised at once). A greenlet never started will never run: its links still fire
     * and its outcome is {@code exception}. An already dead greenlet is left as it is.
     *
     * @return whether the greenlet has ended
     * @throws IllegalArgumentException if timeout is negative
     */
    public boolean kill(Throwable exception, Duration timeout) {
        Durations.timeoutNanos(timeout, "timeout");
        if (raise(exception)) {
            return join(timeout);
        }
        return isDead();
    }

    /** Kills the greenlet with a new {@link GreenletExit} without waiting for it to end. */
    public void killNowait() {
        killNowait(new GreenletExit());
    }

    /** Raises {@code exception} in the greenlet (see {@link #kill(Throwable, Duration)}) without waiting for it. */
    public void killNowait(Throwable exception) {
        raise(exception);
    }

    /**
     * The positional form of gevent's {@code kill(exception, block, timeout)}.
     *
     * @deprecated use {@link #kill(Throwable, Duration)} ({@code block}) or {@link #killNowait(Throwable)}
     */
    @Deprecated(forRemoval = true)
    public void kill(Throwable exception, boolean block, Duration timeout) {
        if (block) {
            kill(exception, timeout);
        } else {
            Durations.timeoutNanos(timeout, "timeout");
            killNowait(exception);
        }
    }

    /** Delivers a kill; returns whether there is a running greenlet whose end the caller may wait for. */
    private boolean raise(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        if (isRoot()) {
            strand.deliver(exception);
            return false;
        }
        if (currentGreenlet() == this) {
            throw Throwables.fillAndCast(exception);
        }
        if (STATE.compareAndSet(this, NEW, DEAD)) {
            state = RUNNING; // end() publishes DEAD after recording the outcome
            end(null, exception, false);
            return false;
        }
        if (state == DEAD) {
            return false;
        }
        strand.deliver(exception);
        return true;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Join and results

    /**
     * Waits until the greenlet is dead. In a greenlet this yields to the hub; outside any hub it blocks the thread
     * (and raises {@link LoopExit} if the greenlet can never end).
     *
     * @throws IllegalStateException if a greenlet joins itself
     */
    public void join() {
        join(null);
    }

    /**
     * Waits until the greenlet is dead or {@code timeout} passes (null = no limit).
     *
     * @return whether the greenlet is dead
     */
    public boolean join(Duration timeout) {
        long nanos = Durations.timeoutNanos(timeout, "timeout");
        checkJoinable();
        if (state == DEAD) {
            return true;
        }
        ThreadNode n = new ThreadNode(Thread.currentThread());
        addNode(n);
        Greenlet<?> cur = currentGreenlet();
        boolean internal = cur != null && cur.hub == hub;
        return Waits.await(this::isDead, nanos, internal, hub, this);
    }

    private void checkJoinable() {
        if (isRoot()) {
            throw new IllegalStateException("cannot join the root greenlet of a thread");
        }
        if (currentGreenlet() == this) {
            throw new IllegalStateException("a greenlet cannot join itself: " + this);
        }
    }

    /**
     * Waits for the greenlet to end and returns its value; if it failed, raises its exception (unchecked
     * exceptions and errors as themselves, checked ones wrapped in {@link java.util.concurrent.CompletionException}).
     */
    public T get() {
        join(null);
        return result();
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeout} (null = no limit).
     *
     * @throws Timeout if the greenlet has not ended in time
     * @throws IllegalArgumentException if timeout is negative
     */
    public T get(Duration timeout) {
        if (!join(timeout)) {
            throw new Timeout(timeout, "timed out after " + timeout + " waiting for " + this);
        }
        return result();
    }

    @SuppressWarnings("unchecked")
    private T result() {
        if (!successful) {
            throw Throwables.rethrow((Throwable) outcome);
        }
        return (T) outcome;
    }

    /** Whether the greenlet has ended (gevent's {@code ready()}). */
    public boolean isReady() {
        return state == DEAD;
    }

    /** Whether the greenlet ended without an exception, or was killed with {@link GreenletExit}. */
    public boolean isSuccessful() {
        return state == DEAD && successful;
    }

    /** Whether the greenlet has ended, or was killed before it started. */
    public boolean isDead() {
        return state == DEAD;
    }

    /** Whether the greenlet has been started and has not ended. */
    public boolean isAlive() {
        int s = state;
        return s == STARTED || s == RUNNING;
    }

    /** Whether the greenlet was started (or killed before starting). */
    public boolean isStarted() {
        return state != NEW;
    }

    /** The value, or null if not ended or failed. For a greenlet killed with GreenletExit, that GreenletExit. */
    @SuppressWarnings("unchecked")
    public T value() {
        return state == DEAD && successful ? (T) outcome : null;
    }

    /** The exception the greenlet failed with, or null. */
    public Throwable exception() {
        return state == DEAD && !successful ? (Throwable) outcome : null;
    }

    /** The sequence number of this greenlet's end among all greenlets; 0 while alive. */
    long finishSeq() {
        return state == DEAD ? finishSeq : 0;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Links

    /**
     * Calls {@code callback} with this greenlet once it is dead (at once, on the hub, if it already is). Callbacks
     * run on the hub thread in the order they were linked and MUST NOT block; spawn a greenlet for blocking work.
     */
    public void link(Consumer<? super Greenlet<T>> callback) {
        addLink(callback, LinkNode.ALWAYS);
    }

    /** Like {@link #link} but only if the greenlet ends successfully. */
    public void linkValue(Consumer<? super Greenlet<T>> callback) {
        addLink(callback, LinkNode.ON_VALUE);
    }

    /** Like {@link #link} but only if the greenlet ends with an exception. */
    public void linkException(Consumer<? super Greenlet<T>> callback) {
        addLink(callback, LinkNode.ON_EXCEPTION);
    }

    private void addLink(Consumer<? super Greenlet<T>> callback, int kind) {
        Objects.requireNonNull(callback, "callback");
        if (isRoot()) {
            throw new IllegalStateException("cannot link to a root greenlet");
        }
        LinkNode n = new LinkNode(callback, kind);
        if (!addNode(n)) {
            n.onDone(this);
        }
    }

    /** See {@link dev.gevent4j.internal.Internals#onEnd}. */
    void onEnd(Consumer<Greenlet<?>> callback) {
        Objects.requireNonNull(callback, "callback");
        EndCallback n = new EndCallback(callback);
        if (!addNode(n)) {
            n.onDone(this);
        }
    }

    /** Removes every link registered with {@code callback}; returns whether one was removed. */
    public boolean unlink(Consumer<? super Greenlet<T>> callback) {
        boolean removed = false;
        for (Node n = waiters; n != null && n != Node.DONE; n = n.next) {
            if (n instanceof LinkNode l && l.callback == callback && !l.removed) {
                l.removed = true;
                removed = true;
            }
        }
        return removed;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Switching

    /**
     * Switches to this greenlet: starts it if it was never started, or hands it {@code value} (returned from its
     * own pending {@code switchTo}); then waits until a value is switched back to the caller, and returns it. If a
     * greenlet whose parent is the caller ends meanwhile, its result is what comes back (its exception is raised).
     * Switching to yourself returns {@code value} at once.
     *
     * @throws IllegalStateException if this greenlet is dead, or already has a value switched to it that it has
     *                               not taken yet
     */
    public Object switchTo(Object value) {
        Greenlet<?> self = currentOrRoot();
        if (self == this) {
            return value;
        }
        if (state == DEAD) {
            throw new IllegalStateException("cannot switch to " + this + ": it is dead");
        }
        self.awaitingSwitch = true;
        try {
            if (state == NEW) {
                start();
            } else if (!deliverSwitch(value)) {
                throw new IllegalStateException("cannot switch to " + this
                        + ": a value switched to it earlier has not been taken yet");
            }
            return self.awaitSwitch(hub);
        } finally {
            self.awaitingSwitch = false;
        }
    }

    /** Switches to this greenlet with no value (null). */
    public Object switchTo() {
        return switchTo(null);
    }

    private boolean deliverSwitch(Object v) {
        if (!MAILBOX.compareAndSet(this, NONE, v)) {
            return false;
        }
        Thread t = strand.thread();
        if (t != null) {
            LockSupport.unpark(t);
        }
        return true;
    }

    private Object awaitSwitch(Hub targetHub) {
        Greenlet<?> cur = currentGreenlet();
        boolean internal = cur != null && cur.hub == targetHub;
        Waits.await(() -> mailbox != NONE, Durations.FOREVER, internal, targetHub, SWITCH);
        Object v = MAILBOX.getAndSet(this, NONE);
        if (v instanceof SwitchFailure f) {
            throw Throwables.rethrow(f.exception);
        }
        return v;
    }

    /** The greenlet that created this one (or the creating thread's root greenlet); null for a root greenlet. */
    public Greenlet<?> getParent() {
        return parent;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Identity

    /** The greenlet's name: set with {@link #setName}, else {@code Greenlet-<id>} (a root: its thread's name). */
    public String getName() {
        String n = name;
        if (n != null) {
            return n;
        }
        return isRoot() ? strand.thread().getName() : "Greenlet-" + id;
    }

    /** Sets the greenlet's name; also names its virtual thread, as stack dumps show it. */
    public Greenlet<T> setName(String name) {
        this.name = Objects.requireNonNull(name, "name");
        Thread t = strand.thread();
        if (t != null && !isRoot()) {
            t.setName(name);
        }
        return this;
    }

    /** The hub the greenlet runs on; null for a thread's root greenlet. */
    public Hub getHub() {
        return hub;
    }

    /**
     * The greenlet's virtual thread while it is started and running; null before it starts and once it is dead (a
     * finished greenlet releases its thread, so that holding many finished greenlets does not hold their threads).
     */
    public Thread getThread() {
        return strand.thread();
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case NEW -> "new";
            case STARTED -> "started";
            case RUNNING -> "running";
            default -> successful ? "dead" : "failed";
        };
        return "Greenlet[" + getName() + ", " + s + "]";
    }

    // ------------------------------------------------------------------------------------------------------------
    // Completion nodes

    /** A node of the completion stack. */
    abstract static class Node {
        static final Node DONE = new Node() {
            @Override
            void onDone(Greenlet<?> g) {}
        };
        Node next;

        /** Called once, on the finishing greenlet's thread (or the killer's, for a never-started greenlet). */
        abstract void onDone(Greenlet<?> g);
    }

    /**
     * A node that many greenlets' stacks may hold at once (joinAll's state): it is only ever the bottom of a stack,
     * so its {@code next} stays null and is never written; anywhere else it is held through a {@link SharedRef}.
     */
    abstract static class SharedNode extends Node {}

    private static final class SharedRef extends Node {
        private final SharedNode target;

        SharedRef(SharedNode target) {
            this.target = target;
        }

        @Override
        void onDone(Greenlet<?> g) {
            target.onDone(g);
        }
    }

    /** Unparks one waiting thread. */
    static final class ThreadNode extends Node {
        private final Thread thread;

        ThreadNode(Thread thread) {
            this.thread = thread;
        }

        @Override
        void onDone(Greenlet<?> g) {
            LockSupport.unpark(thread);
        }
    }

    private static final class LinkNode extends Node {
        static final int ALWAYS = 0;
        static final int ON_VALUE = 1;
        static final int ON_EXCEPTION = 2;
        final Consumer<?> callback;
        final int kind;
        volatile boolean removed;

        LinkNode(Consumer<?> callback, int kind) {
            this.callback = callback;
            this.kind = kind;
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        void onDone(Greenlet<?> g) {
            if (removed || (kind == ON_VALUE && !g.successful) || (kind == ON_EXCEPTION && g.successful)) {
                return;
            }
            g.hub.callSoon(() -> {
                if (!removed) {
                    ((Consumer) callback).accept(g);
                }
            });
        }
    }

    /** Runs a callback on the thread that ends the greenlet (Internals.onEnd). */
    private static final class EndCallback extends Node {
        private final Consumer<Greenlet<?>> callback;

        EndCallback(Consumer<Greenlet<?>> callback) {
            this.callback = callback;
        }

        @Override
        void onDone(Greenlet<?> g) {
            callback.accept(g);
        }
    }

    /** An exception travelling through a switch from a dead child to its parent. */
    private record SwitchFailure(Throwable exception) {}
}
