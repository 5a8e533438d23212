package dev.gevent4j;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Strand;
import dev.gevent4j.internal.Throwables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * gevent's module-level API: spawn greenlets, wait for them, sleep, and bound work with timeouts.
 *
 * <pre>{@code
 * Greenlet<String> a = Gevent.spawn(() -> fetch("a"));
 * Greenlet<String> b = Gevent.spawn(() -> fetch("b"));
 * Gevent.joinAll(List.of(a, b));           // both ran concurrently on one hub
 * }</pre>
 *
 * <p>Called from a greenlet, everything here uses that greenlet's hub and yields to it while waiting; called from
 * any other thread, it uses the {@linkplain Hub#getDefault() default hub} and blocks the calling thread. What
 * kill and {@link Timeout} do to each wait is described on {@link Greenlet} and {@link Timeout}.
 */
public final class Gevent {
    private static final Object SLEEP = new Blocker("sleep (a timer of the hub)");
    private static final Object JOIN_ALL = new Blocker("joinAll");

    /** What a parked greenlet waits on, as dumps show it. */
    record Blocker(String what) {
        @Override
        public String toString() {
            return what;
        }
    }

    private Gevent() {}

    /** Creates and starts a greenlet running {@code fn}; it runs after every greenlet already runnable. */
    public static <T> Greenlet<T> spawn(Callable<T> fn) {
        return new Greenlet<>(Hub.currentOrDefault(), fn).start();
    }

    /** Creates and starts a greenlet running {@code fn}. */
    public static Greenlet<Void> spawn(Runnable fn) {
        return new Greenlet<Void>(Hub.currentOrDefault(), fn).start();
    }

    /** Creates a greenlet and starts it after {@code delay}. */
    public static <T> Greenlet<T> spawnLater(Duration delay, Callable<T> fn) {
        return new Greenlet<>(Hub.currentOrDefault(), fn).startLater(delay);
    }

    /** Creates a greenlet and starts it after {@code delay}. */
    public static Greenlet<Void> spawnLater(Duration delay, Runnable fn) {
        return new Greenlet<Void>(Hub.currentOrDefault(), fn).startLater(delay);
    }

    /*
     * gevent's joinall(greenlets, timeout=None, raise_error=False) and killall(greenlets, exception, block=True,
     * timeout=None) as named methods: joinAll/joinAllOrRaise, killAll/killAllNowait, each with an optional timeout.
     */

    /** Waits for all of {@code greenlets} to end; returns them in completion order. */
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets) {
        return joinAll(greenlets, null);
    }

    /**
     * Waits for the greenlets to end, at most {@code timeout} (null = no limit), and returns those that ended, in
     * completion order. A timeout is not an error: the list is then partial. A failed greenlet is returned like any
     * other (see {@link #joinAllOrRaise}).
     *
     * @throws IllegalStateException if the calling greenlet is among {@code greenlets}
     */
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout) {
        return join(greenlets, timeout, false);
    }

    /** Like {@link #joinAll(Collection)}, but raises the first failure as soon as it is seen. */
    public static List<Greenlet<?>> joinAllOrRaise(Collection<? extends Greenlet<?>> greenlets) {
        return joinAllOrRaise(greenlets, null);
    }

    /**
     * Like {@link #joinAll(Collection, Duration)}, but the first failure (in completion order) is raised as soon as
     * it is seen, as {@link Greenlet#get()} would raise it.
     */
    public static List<Greenlet<?>> joinAllOrRaise(Collection<? extends Greenlet<?>> greenlets, Duration timeout) {
        return join(greenlets, timeout, true);
    }

    /**
     * The positional form of gevent's {@code joinall(greenlets, timeout, raise_error)}.
     *
     * @deprecated use {@link #joinAll(Collection, Duration)} or {@link #joinAllOrRaise(Collection, Duration)}
     */
    @Deprecated(forRemoval = true)
    public static List<Greenlet<?>> joinAll(Collection<? extends Greenlet<?>> greenlets, Duration timeout,
                                            boolean raiseError) {
        return join(greenlets, timeout, raiseError);
    }

    private static List<Greenlet<?>> join(Collection<? extends Greenlet<?>> greenlets, Duration timeout,
                                          boolean raiseError) {
        Objects.requireNonNull(greenlets, "greenlets");
        long nanos = Durations.timeoutNanos(timeout, "timeout");
        Greenlet<?> cur = Greenlet.currentGreenlet();
        // No de-duplication up front (an identity set per call was a measurable part of joining 100,000): a greenlet
        // listed twice gets two nodes and counts twice, and the duplicate is dropped from the result below.
        List<Greenlet<?>> unique = new ArrayList<>(greenlets);
        for (Greenlet<?> g : unique) {
            Objects.requireNonNull(g, "greenlets contains null");
            if (g == cur) {
                throw new IllegalStateException("joinAll: the calling greenlet " + g + " cannot join itself");
            }
            if (g.isRoot()) {
                throw new IllegalStateException("joinAll: cannot join the root greenlet " + g);
            }
        }
        JoinAllState st = new JoinAllState(Thread.currentThread(), unique.size(), raiseError);
        Hub loopExitHub = null;
        boolean severalHubs = false;
        boolean internal = cur != null;
        for (Greenlet<?> g : unique) {
            if (!g.addNode(st)) {
                st.onDone(g);
            } else if (loopExitHub == null) {
                loopExitHub = g.hub;
            } else if (g.hub != loopExitHub) {
                severalHubs = true;
            }
            if (cur != null && g.hub != cur.hub) {
                internal = false;
            }
        }
        if (severalHubs) {
            // greenlets of other hubs (a HubGroup) can still end the wait when one hub runs out of work: no single
            // hub can judge that nothing will ever wake the caller, so no LoopExit for this wait
            loopExitHub = null;
        }
        Waits.await(st::isDone, nanos, internal, loopExitHub, JOIN_ALL);
        List<Greenlet<?>> done;
        if (st.allDone()) {
            // Every greenlet recorded itself as it ended: already in completion order unless some had ended before
            // the call or ended on other hubs concurrently; one linear check instead of always sorting.
            done = new ArrayList<>(Arrays.asList(st.order));
            if (!inFinishOrder(done)) {
                done.sort(Comparator.comparingLong(Greenlet::finishSeq));
            }
        } else {
            done = new ArrayList<>();
            for (Greenlet<?> g : unique) {
                if (g.isDead()) {
                    done.add(g);
                }
            }
            done.sort(Comparator.comparingLong(Greenlet::finishSeq));
        }
        dropAdjacentDuplicates(done);
        if (raiseError) {
            for (Greenlet<?> g : done) {
                if (!g.isSuccessful()) {
                    throw Throwables.rethrow(g.exception());
                }
            }
        }
        return done;
    }

    /**
     * Waits until every object is ready and returns them in the order they became ready (gevent's {@code gevent.wait};
     * {@code wait} is taken by {@link Object#wait()}). See {@link #await(Collection, Duration, int)}.
     */
    public static <T> List<T> await(Collection<? extends T> objects) {
        return await(objects, null, 0);
    }

    /**
     * Waits until {@code count} of the objects are ready ({@code count <= 0}: all of them), at most {@code timeout}
     * (null = no limit), and returns the ready ones: those already ready first, in the collection's order, then in
     * the order they became ready. Objects are {@link Greenlet}s (ready once dead) and {@link Waitable}s such as
     * {@link dev.gevent4j.event.Event} and {@link dev.gevent4j.event.AsyncResult}. A timeout is not an error: the
     * list is then partial. A kill or {@link Timeout} raised while waiting propagates.
     *
     * @throws IllegalArgumentException if an object is neither a Greenlet nor a Waitable, or timeout is negative
     * @throws IllegalStateException    if the calling greenlet is among the objects
     */
    public static <T> List<T> await(Collection<? extends T> objects, Duration timeout, int count) {
        List<T> out = new ArrayList<>();
        try (WaitIterator<T> it = iwait(objects, timeout, count)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    /** Yields the objects as they become ready (gevent's {@code gevent.iwait}); see {@link WaitIterator}. */
    public static <T> WaitIterator<T> iwait(Collection<? extends T> objects) {
        return iwait(objects, null, 0);
    }

    /**
     * Yields the objects as they become ready, at most {@code count} of them ({@code count <= 0}: all), until
     * {@code timeout} (null = no limit) passes; see {@link WaitIterator}.
     *
     * @throws IllegalArgumentException if an object is neither a Greenlet nor a Waitable, or timeout is negative
     */
    public static <T> WaitIterator<T> iwait(Collection<? extends T> objects, Duration timeout, int count) {
        long nanos = Durations.timeoutNanos(timeout, "timeout");
        return new WaitIterator<>(objects, nanos, count);
    }

    /** In a list sorted by finish order a greenlet listed twice sits next to itself: keep one. */
    private static void dropAdjacentDuplicates(List<Greenlet<?>> done) {
        int w = 0;
        for (int r = 0; r < done.size(); r++) {
            Greenlet<?> g = done.get(r);
            if (w == 0 || done.get(w - 1) != g) {
                done.set(w++, g);
            }
        }
        if (w < done.size()) {
            done.subList(w, done.size()).clear();
        }
    }

    /** Kills each greenlet with a new {@link GreenletExit} and waits for them all to end. */
    public static void killAll(Collection<? extends Greenlet<?>> greenlets) {
        killAll(greenlets, null, null);
    }

    /** Kills each greenlet with {@code exception} (null: a new {@link GreenletExit} each) and waits for them all. */
    public static void killAll(Collection<? extends Greenlet<?>> greenlets, Throwable exception) {
        killAll(greenlets, exception, null);
    }

    /**
     * Kills each greenlet (but the caller) with {@code exception} (null: a new {@link GreenletExit} each) and waits
     * at most {@code timeout} (null = no limit) for them to end.
     *
     * @return whether they all ended
     */
    public static boolean killAll(Collection<? extends Greenlet<?>> greenlets, Throwable exception, Duration timeout) {
        List<Greenlet<?>> list = raiseInEach(greenlets, exception, timeout);
        joinAll(list, timeout);
        for (Greenlet<?> g : list) {
            if (!g.isDead()) {
                return false;
            }
        }
        return true;
    }

    /** Kills each greenlet (but the caller) with {@code exception} (null: a new GreenletExit each); does not wait. */
    public static void killAllNowait(Collection<? extends Greenlet<?>> greenlets, Throwable exception) {
        raiseInEach(greenlets, exception, null);
    }

    /**
     * The positional form of gevent's {@code killall(greenlets, exception, block, timeout)}.
     *
     * @deprecated use {@link #killAll(Collection, Throwable, Duration)} or {@link #killAllNowait}
     */
    @Deprecated(forRemoval = true)
    public static void killAll(Collection<? extends Greenlet<?>> greenlets, Throwable exception, boolean block,
                               Duration timeout) {
        if (block) {
            killAll(greenlets, exception, timeout);
        } else {
            raiseInEach(greenlets, exception, timeout);
        }
    }

    /** Kills each greenlet but the caller without waiting; returns them (without the caller). */
    private static List<Greenlet<?>> raiseInEach(Collection<? extends Greenlet<?>> greenlets, Throwable exception,
                                                 Duration timeout) {
        Objects.requireNonNull(greenlets, "greenlets");
        Durations.timeoutNanos(timeout, "timeout");
        List<Greenlet<?>> list = new ArrayList<>(greenlets);
        Greenlet<?> cur = Greenlet.currentGreenlet();
        for (Greenlet<?> g : list) {
            if (g != cur) {
                g.killNowait(exception == null ? new GreenletExit() : exception);
            }
        }
        list.remove(cur);
        return list;
    }

    /** Sleeps {@code millis} milliseconds; {@code sleep(0)} yields to every greenlet already runnable. */
    public static void sleep(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("sleep: millis is " + millis + "; it must be >= 0");
        }
        sleepNanos(millis * 1_000_000L);
    }

    /**
     * Sleeps for {@code duration} on the hub's timers (a greenlet) or parks the thread (outside any hub).
     * {@code sleep(Duration.ZERO)} puts the caller behind every greenlet already runnable.
     *
     * @throws IllegalArgumentException if duration is null or negative
     */
    public static void sleep(Duration duration) {
        sleepNanos(Durations.requiredNanos(duration, "duration"));
    }

    private static void sleepNanos(long nanos) {
        Greenlet<?> g = Greenlet.currentGreenlet();
        if (nanos == 0) {
            if (g != null) {
                Strand s = g.strand;
                s.throwPending();
                Waits.flushDeferred(s);
                Thread.yield();
                s.throwPending();
            } else {
                Waits.checkNotHubThread();
                Strand s = Strand.outside();
                s.throwPending();
                Waits.flushDeferred(s);
                Thread.yield();
            }
            return;
        }
        if (g != null && nanos <= Waits.MAX_TIMEOUT_NANOS) {
            Waits.sleepInGreenlet(g, nanos, SLEEP);
        } else {
            Waits.await(() -> false, nanos, false, null, SLEEP);
        }
    }

    /**
     * Every open hub and every live greenlet: name, state, what it waits on (a join target, a timer, a lock or
     * queue, a switch, a socket), its parent and its stack (gevent's {@code print_run_info}). Safe to call from any
     * thread, also while a hub is stalled (its part is then read without the hub's help). Also available in a
     * running JVM, without code changes, as the {@code dump} operation of the MBean {@code dev.gevent4j:type=Gevent}.
     */
    public static String dump() {
        return Dumps.dumpAll();
    }

    /** Prints {@link #dump()} to {@code out}. */
    public static void dump(java.io.PrintStream out) {
        out.print(dump());
        out.flush();
    }

    /** The current greenlet; outside any hub, the calling thread's root greenlet. */
    public static Greenlet<?> getCurrent() {
        return Greenlet.currentOrRoot();
    }

    /** The current greenlet's hub, or the default hub outside any hub. */
    public static Hub getHub() {
        return Hub.currentOrDefault();
    }

    /**
     * Runs {@code fn} in the calling greenlet (or thread) with a {@link Timeout}; if it does not finish in time the
     * Timeout is raised. An exception {@code fn} throws after the deadline passed (such as the
     * {@link InterruptedException} or "Closed by interrupt" with which the JDK reports the interrupt that carried the
     * Timeout into a JDK wait) is reported as the Timeout, with that exception suppressed in it.
     */
    public static <T> T withTimeout(Duration timeout, Callable<T> fn) throws Exception {
        return withTimeout(timeout, fn, false, null);
    }

    /** Like {@link #withTimeout(Duration, Callable)} but returns {@code timeoutValue} instead of raising. */
    public static <T> T withTimeout(Duration timeout, Callable<T> fn, T timeoutValue) throws Exception {
        return withTimeout(timeout, fn, true, timeoutValue);
    }

    private static <T> T withTimeout(Duration timeout, Callable<T> fn, boolean useValue, T timeoutValue)
            throws Exception {
        Objects.requireNonNull(fn, "fn");
        Timeout t = Timeout.start(timeout);
        try {
            return fn.call();
        } catch (Timeout e) {
            if (e != t) {
                throw e;
            }
            if (useValue) {
                return timeoutValue;
            }
            throw e;
        } catch (Exception e) {
            // Without the agent a Timeout reaches a JDK wait as an interrupt, which the JDK reports as
            // InterruptedException, ClosedByInterruptException, SocketException("Closed by interrupt"), ...
            if (!t.hasFired()) {
                throw e;
            }
            t.cancel(); // also clears the pending delivery
            if (useValue) {
                return timeoutValue;
            }
            t.addSuppressed(e);
            throw t;
        } finally {
            t.cancel();
        }
    }

    /**
     * Runs {@code fn} as a greenlet on the default hub (or the caller's hub) and returns its value: asyncio's
     * {@code run_until_complete}. Its exception is raised as {@link Greenlet#get()} raises it.
     *
     * @throws LoopExit if the greenlet can never finish
     */
    public static <T> T run(Callable<T> fn) {
        return spawn(fn).get();
    }

    private static boolean inFinishOrder(List<Greenlet<?>> gs) {
        long last = 0;
        for (Greenlet<?> g : gs) {
            long seq = g.finishSeq();
            if (seq < last) {
                return false;
            }
            last = seq;
        }
        return true;
    }

    /**
     * Shared counter of a joinAll: the waiting thread wakes when all are done, or at a failure with raiseError. Each
     * greenlet also records itself in {@code order} as it ends (its slot is written before the counter drops, so a
     * waiter that sees zero sees every slot).
     */
    /** Shared by every greenlet joined: a {@link Greenlet.SharedNode}, so that joining needs no object per greenlet. */
    private static final class JoinAllState extends Greenlet.SharedNode {
        private final Thread waiter;
        private final AtomicInteger remaining;
        private final AtomicInteger recorded = new AtomicInteger();
        private final Greenlet<?>[] order;
        private final boolean raiseError;
        private volatile boolean failed;

        JoinAllState(Thread waiter, int count, boolean raiseError) {
            this.waiter = waiter;
            this.remaining = new AtomicInteger(count);
            this.order = new Greenlet<?>[count];
            this.raiseError = raiseError;
        }

        boolean allDone() {
            return remaining.get() == 0;
        }

        @Override
        void onDone(Greenlet<?> g) {
            order[recorded.getAndIncrement()] = g;
            boolean wake = remaining.decrementAndGet() == 0;
            if (raiseError && !g.isSuccessful()) {
                failed = true;
                wake = true;
            }
            if (wake) {
                LockSupport.unpark(waiter);
            }
        }

        boolean isDone() {
            return remaining.get() == 0 || failed;
        }
    }
}
