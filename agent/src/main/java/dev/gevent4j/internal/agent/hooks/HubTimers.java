package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Timed parks of greenlets on their hub's timers: the replacement of {@code java.lang.VirtualThread.schedule}, which
 * the JDK calls on the carrier after a virtual thread yields in {@code parkNanos} (Thread.sleep, timed
 * LockSupport.parkNanos, timed java.util.concurrent waits, socket timeouts) or a timed {@code Object.wait}.
 *
 * <pre>{@code
 * // inlined at the top of VirtualThread.schedule(task, delay, unit):
 * Future<?> f = HubTimers.schedule(this.scheduler, task, delay, unit);
 * if (f != null) return f;   // a hub timer; otherwise the JDK's "VirtualThread-unparker" threads
 * }</pre>
 *
 * <p>Never throws: anything unexpected (a closing hub) returns null and the JDK's own timer threads take over.
 * Timeout, interrupt and kill do not apply (nothing here waits).
 */
public final class HubTimers {
    private HubTimers() {}

    /**
     * {@code VirtualThread.sleepNanos} (Thread.sleep) of a greenlet on a {@linkplain Hub#isVirtualTime virtual-time}
     * hub: sleeps here, as a timed gevent4j wait on the hub's clock, and returns true (the JDK's loop is skipped). The
     * JDK's own loop re-measures the remaining time with {@code System.nanoTime()}, so on virtual time it would sleep
     * the real duration and keep the clock from jumping. An interrupt ends the sleep with InterruptedException (the
     * status cleared), as in the JDK; a kill or Timeout is raised. False (the JDK's sleep) for anything else: a real-
     * time hub (its timers already are the JDK's clock), a platform thread, a pinned greenlet.
     */
    public static boolean sleep(Executor scheduler, long nanos) throws InterruptedException {
        if (nanos <= 0 || scheduler instanceof ForkJoinPool) {
            return false; // the JDK's own virtual threads never touch the runtime here
        }
        Hub hub = Hub.current();
        if (hub == null || !hub.isVirtualTime() || hub.isClosed() || Pinning.pinned(hub)) {
            return false;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (!Internals.sleepInterruptibly(nanos, null)) {
            return false;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return true;
    }

    /**
     * Enter of {@code VirtualThread.parkOnCarrierThread}: a pinned greenlet parks the hub thread itself. On a
     * virtual-time hub, the real time now (the exit passes it to {@link #pinnedParkEnded}); else 0.
     */
    public static long pinnedParkStarts() {
        Hub hub = Hub.current();
        return hub != null && hub.isVirtualTime() ? System.nanoTime() | 1 : 0;
    }

    /**
     * Exit of {@code VirtualThread.parkOnCarrierThread}: the hub thread was parked from {@code startNanos} on, outside
     * its loop, so the virtual clock moves on by that real time (as while the loop waits for IO). Without it a pinned
     * timed j.u.c. wait, which re-measures on the virtual clock ({@link VirtualClock}), would park again forever.
     */
    public static void pinnedParkEnded(long startNanos) {
        if (startNanos == 0) {
            return;
        }
        Hub hub = Hub.current();
        if (hub != null) {
            Internals.advanceVirtualClock(hub, System.nanoTime() - startNanos);
        }
    }

    /**
     * A hub timer running {@code task} after {@code delay}, or null if the virtual thread is not a greenlet. Called
     * on the carrier (the hub thread) right after the greenlet unmounted. On a virtual-time hub the park counts as a
     * timer wait until the timer fires or the JDK cancels it (an early unpark): while every greenlet waits so, the
     * clock jumps to the next deadline, as for a gevent4j timed wait.
     */
    public static Future<?> schedule(Executor scheduler, Runnable task, long delay, TimeUnit unit) {
        if (scheduler instanceof ForkJoinPool) {
            return null;
        }
        try {
            Hub hub = Internals.hubOfCarrier(scheduler);
            if (hub == null) {
                return null;
            }
            long nanos = unit.toNanos(delay);
            boolean counted = hub.isVirtualTime();
            HubTimerFuture f = new HubTimerFuture(hub, hub.nanoTime() + Math.max(0, nanos), task, counted);
            Internals.addTimer(hub, f);
            if (counted) {
                // after addTimer (a closed hub throws: nothing counted); before any fire or cancel, which run on this
                // same hub thread, where the greenlet has just unmounted
                Internals.timerWait(hub, true);
            }
            return f;
        } catch (Throwable t) {
            return null;
        }
    }
}
