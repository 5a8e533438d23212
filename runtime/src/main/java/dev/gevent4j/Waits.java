package dev.gevent4j;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Strand;
import dev.gevent4j.internal.TimerQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The one way gevent4j's own APIs block: park the calling strand until a condition holds, a deadline passes, or a
 * kill/Timeout/LoopExit is delivered to it.
 *
 * <p>In a greenlet the deadline is a timer on the greenlet's own hub (never the JDK's timer threads) and the park
 * yields to the hub. Outside any hub the calling platform thread parks itself, and an untimed wait on greenlets of a
 * hub registers for {@link LoopExit}. On the hub's platform thread (a callback, a link) blocking is refused: it would
 * stall every greenlet of the hub.
 *
 * <p>Interrupts: these waits are not interruptible by {@link Thread#interrupt()} (like
 * {@code Lock.lockUninterruptibly}); an interrupt that arrives while waiting is kept and re-asserted when the wait
 * ends, so the next interruptible JDK wait sees it.
 */
final class Waits {
    private Waits() {}

    /** Sentinel for "no deadline". */
    static final long FOREVER = Durations.FOREVER;

    /** Longer timeouts are treated as no timeout. */
    static final long MAX_TIMEOUT_NANOS = Long.MAX_VALUE / 2;

    /**
     * Waits until {@code done} is true.
     *
     * @param done       evaluated on the waiting strand after every wake-up; must be cheap and non-blocking
     * @param timeoutNanos {@link #FOREVER}, or a timeout in nanoseconds (0 = just check)
     * @param internal   whether only greenlets of the caller's own hub can make {@code done} true (counts towards
     *                   LoopExit detection)
     * @param loopExitHub for a caller outside any hub: the hub whose greenlets must make {@code done} true, or null
     * @return true if {@code done} became true, false if the timeout passed first
     */
    static boolean await(BooleanSupplier done, long timeoutNanos, boolean internal, Hub loopExitHub, Object blocker) {
        if (timeoutNanos > MAX_TIMEOUT_NANOS) {
            timeoutNanos = FOREVER; // beyond ~146 years: the deadline would overflow nanoTime arithmetic
        }
        Greenlet<?> g = Greenlet.currentGreenlet();
        if (g != null) {
            flushDeferred(g.strand);
            return awaitInGreenlet(g, done, timeoutNanos, internal, blocker, false);
        }
        checkNotHubThread();
        Strand s = Strand.outside();
        flushDeferred(s);
        return awaitOutside(s, done, timeoutNanos, loopExitHub, blocker);
    }

    /**
     * Waits in a greenlet until {@code done} is true, for a waiter that holds something only its hub can give back
     * (the agent's fd registration): a kill, Timeout or interrupt runs {@code release} once instead of ending the
     * wait, and the wait goes on until {@code done}; then the kill or Timeout is raised, or the call returns with the
     * interrupt status set. See {@link dev.gevent4j.internal.Internals#awaitReleasing}.
     */
    static void awaitReleasing(BooleanSupplier done, Runnable release, Object blocker) {
        Greenlet<?> g = Greenlet.currentGreenlet();
        if (g == null) {
            throw new IllegalStateException("awaitReleasing MUST be called from a greenlet");
        }
        Strand s = g.strand;
        flushDeferred(s);
        boolean releaseRequested = false;
        boolean interrupted = false;
        s.enterWait(Strand.IN_WAIT_EXTERNAL);
        try {
            while (!done.getAsBoolean()) {
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (!releaseRequested && (interrupted || s.pending() != null)) {
                    releaseRequested = true;
                    release.run();
                    continue; // release may have made done true (the hub is closing): re-check before parking
                }
                LockSupport.park(blocker);
            }
        } finally {
            s.exitWait();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        s.throwPending(); // clears the interrupt if the kill arrived as one
    }

    /** The caller is about to block: start the greenlets it spawned on other hubs (see OutsideStarts). */
    static void flushDeferred(Strand s) {
        Hub[] hubs = s.takeDeferredTo();
        if (hubs != null) {
            for (Hub h : hubs) {
                h.outsideStarts.flush();
            }
        }
    }

    /** The clock of the caller's timers: its hub's clock in a greenlet, else {@link System#nanoTime()}. */
    static long now() {
        Greenlet<?> g = Greenlet.currentGreenlet();
        return g == null ? System.nanoTime() : g.hub.loop.now();
    }

    static void checkNotHubThread() {
        if (Hub.isHubThread()) {
            throw new IllegalStateException("a blocking call on a hub's own thread (in a callback or link) would stall "
                    + "every greenlet of the hub: spawn a greenlet for work that blocks");
        }
    }


    /**
     * A greenlet's {@code Thread.sleep} on its hub's clock (the agent, on a virtual-time hub): a timed gevent4j wait,
     * so the virtual clock may jump past it, that an interrupt also ends (the interrupt status is left set for the
     * caller, which throws InterruptedException as the JDK's sleep does); a kill or Timeout is raised. Returns false
     * at once, without waiting, if the caller is not a greenlet.
     */
    static boolean sleepInterruptibly(long nanos, Object blocker) {
        Greenlet<?> g = Greenlet.currentGreenlet();
        if (g == null) {
            return false;
        }
        flushDeferred(g.strand);
        awaitInGreenlet(g, () -> false, Math.min(nanos, MAX_TIMEOUT_NANOS), false, blocker, true);
        return true;
    }

    /**
     * A greenlet's sleep of {@code nanos} (0 < nanos <= MAX_TIMEOUT_NANOS): {@link #awaitInGreenlet} specialised to
     * "until the timer fires", with as few values live across the park as possible. The frames of a parked greenlet
     * are what its {@code StackChunk} holds, and sleeping is the commonest park (benchmarks/RESULTS.md, "The
     * per-greenlet footprint"). Same contract as {@code await(() -> false, nanos, false, null, blocker)}.
     */
    static void sleepInGreenlet(Greenlet<?> g, long nanos, Object blocker) {
        Strand s = g.strand;
        flushDeferred(s);
        WakeTimer timer = new WakeTimer(g.hub.loop.now() + nanos, Thread.currentThread());
        g.hub.schedule(timer);
        s.enterWait(Strand.IN_WAIT_EXTERNAL);
        g.hub.loop.waitStarted(false);
        boolean interrupted = false;
        try {
            while (true) {
                s.throwPending();
                if (timer.fired()) {
                    return;
                }
                LockSupport.park(blocker);
                interrupted |= Thread.interrupted();
            }
        } finally {
            g.hub.loop.waitEnded(false);
            s.exitWait();
            if (!timer.fired()) {
                g.hub.cancel(timer);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean awaitInGreenlet(Greenlet<?> g, BooleanSupplier done, long timeoutNanos, boolean internal,
                                           Object blocker, boolean endOnInterrupt) {
        Strand s = g.strand;
        if (done.getAsBoolean()) {
            s.throwPending();
            return true;
        }
        WakeTimer timer = null;
        if (timeoutNanos != FOREVER) {
            if (timeoutNanos <= 0) {
                s.throwPending();
                return false;
            }
            timer = new WakeTimer(g.hub.loop.now() + timeoutNanos, Thread.currentThread());
            g.hub.schedule(timer);
        }
        boolean interrupted = false;
        boolean waitsOutside = !internal && timer == null; // only another thread can end it: keeps virtual time real
        s.enterWait(internal && timer == null ? Strand.IN_WAIT_INTERNAL : Strand.IN_WAIT_EXTERNAL);
        g.hub.loop.waitStarted(waitsOutside);
        try {
            while (true) {
                if (done.getAsBoolean()) {
                    return true;
                }
                s.throwPending();
                if (timer != null && timer.fired()) {
                    return false;
                }
                if (endOnInterrupt && interrupted) {
                    return false;
                }
                LockSupport.park(blocker);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            g.hub.loop.waitEnded(waitsOutside);
            s.exitWait();
            if (timer != null && !timer.fired()) {
                g.hub.cancel(timer);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean awaitOutside(Strand s, BooleanSupplier done, long timeoutNanos, Hub loopExitHub,
                                        Object blocker) {
        if (done.getAsBoolean()) {
            return true;
        }
        long deadline = timeoutNanos == FOREVER ? 0 : System.nanoTime() + timeoutNanos;
        if (timeoutNanos != FOREVER && timeoutNanos <= 0) {
            s.throwPending();
            return false;
        }
        LoopExitDetector.OutsideWait ow = null;
        boolean interrupted = false;
        s.enterWait(Strand.IN_WAIT_EXTERNAL);
        try {
            if (loopExitHub != null && timeoutNanos == FOREVER) {
                ow = new LoopExitDetector.OutsideWait(Thread.currentThread(), blocker);
                loopExitHub.loopExit.add(ow);
            }
            while (true) {
                if (done.getAsBoolean()) {
                    return true;
                }
                s.throwPending();
                if (ow != null && ow.loopExit != null) {
                    throw dev.gevent4j.internal.Throwables.fillAndCast(ow.loopExit);
                }
                if (timeoutNanos == FOREVER) {
                    LockSupport.park(blocker);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    LockSupport.parkNanos(blocker, left);
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
            }
        } finally {
            s.exitWait();
            if (ow != null) {
                loopExitHub.loopExit.remove(ow);
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A hub timer that unparks one thread. It is 32 bytes, because every greenlet parked in a timed wait holds one:
     * firing clears the thread rather than setting a flag.
     */
    static final class WakeTimer extends TimerQueue.Timer {
        private volatile Thread thread;

        WakeTimer(long deadline, Thread thread) {
            super(deadline);
            this.thread = java.util.Objects.requireNonNull(thread, "thread");
        }

        /** Whether the deadline passed and the thread was unparked. */
        boolean fired() {
            return thread == null;
        }

        @Override
        public void fire() {
            Thread t = thread;
            thread = null;
            LockSupport.unpark(t);
        }
    }
}
