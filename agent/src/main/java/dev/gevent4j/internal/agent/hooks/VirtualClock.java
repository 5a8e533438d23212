package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.VirtualTimeHubs;

/**
 * {@code System.nanoTime()} as the timed waits of java.util.concurrent see it: the agent replaces their calls of
 * {@code System.nanoTime()} with {@link #nanoTime()} (the "sleep" entries of PatchRegistry with the
 * {@code NanoTimeOnHubClock} marker: AQS and its ConditionObject, the long AQS, StampedLock, FutureTask,
 * CompletableFuture, LinkedTransferQueue/SynchronousQueue, Exchanger, Phaser, ForkJoinTask).
 *
 * <pre>{@code
 * // AbstractQueuedSynchronizer.ConditionObject.awaitNanos, as patched:
 * long deadline = VirtualClock.nanoTime() + nanos;
 * ... LockSupport.parkNanos(this, nanos) ...          // a hub timer (HubTimers.schedule)
 * nanos = deadline - VirtualClock.nanoTime();          // the hub's clock: the wait ends after virtual time
 * }</pre>
 *
 * <p>For a greenlet of a {@linkplain Hub#isVirtualTime virtual-time} hub it answers the hub's clock, so a timed wait
 * re-measures its remaining time on the clock its wake-up timer is on (without it, each wake-up would jump the clock
 * by the remaining real time and the loop would park again). Everywhere else, {@code System.nanoTime()} itself, after
 * one volatile read ({@link VirtualTimeHubs#created}: until a virtual-time hub exists nothing else of the runtime is
 * touched, not even for the JDK's own virtual threads) and, once one exists, an {@code isVirtual()} check. Never
 * throws; any thread.
 */
public final class VirtualClock {
    private VirtualClock() {}

    /** The hub's clock for a greenlet of a virtual-time hub, else {@code System.nanoTime()}. */
    public static long nanoTime() {
        if (VirtualTimeHubs.created && Thread.currentThread().isVirtual()) {
            Hub hub = Hub.current();
            if (hub != null && hub.isVirtualTime()) {
                return hub.nanoTime();
            }
        }
        return System.nanoTime();
    }
}
