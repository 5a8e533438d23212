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

    /** A hub timer running {@code task} after {@code delay}, or null if the virtual thread is not a greenlet. */
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
            HubTimerFuture f = new HubTimerFuture(hub, hub.nanoTime() + Math.max(0, nanos), task);
            Internals.addTimer(hub, f);
            return f;
        } catch (Throwable t) {
            return null;
        }
    }
}
