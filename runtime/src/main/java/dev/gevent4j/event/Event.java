package dev.gevent4j.event;

import dev.gevent4j.Waitable;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.HubAffinity;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.WaitList;
import dev.gevent4j.internal.WaitNode;
import java.time.Duration;

/**
 * A flag that greenlets (and threads) can wait for: gevent's {@code gevent.event.Event}. {@link #set()} wakes every
 * waiter, in the order they started waiting; {@link #clear()} lowers the flag again.
 *
 * <pre>{@code
 * Event ready = new Event();
 * Gevent.spawn(() -> { ready.await(); System.out.println("go"); });
 * Gevent.sleep(10);
 * ready.set();                       // the waiter prints "go" when the hub runs it
 * }</pre>
 *
 * <p>A waiter woken by {@code set()} returns true even if the flag was cleared again before it ran (gevent's
 * behaviour, avoiding the race of CPython issue 13502).
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #await(Duration)} returns false when the timeout passes. A kill or a
 * {@link dev.gevent4j.Timeout} raised in a waiting greenlet propagates out of {@code await} (the waiter is removed).
 * {@link Thread#interrupt()} does not end the wait; the interrupt status is kept. Thread-safe: waiters and setters
 * may be greenlets of different hubs or plain threads; {@code set} and {@code clear} never block and may be called
 * from hub callbacks.
 */
public final class Event implements Waitable {
    /*
     * Implementation note: own code rather than a java.util.concurrent class, because waits must go through
     * Internals.await (hub timers for timeouts, kill and Timeout delivery, LoopExit accounting) and waiters must be
     * woken FIFO. State changes happen under a private monitor held only for non-blocking sections; waiters are
     * unparked after it is released.
     */
    private final Object lock = new Object();
    private final WaitList waiters = new WaitList();
    private final HubAffinity affinity = new HubAffinity();
    private volatile boolean flag;

    /** Creates an event that is not set. */
    public Event() {}

    /** Sets the flag and wakes every waiter, in the order they started waiting. Idempotent. Never blocks. */
    public void set() {
        affinity.touch();
        WaitNode[] fired;
        synchronized (lock) {
            if (flag) {
                return;
            }
            flag = true;
            fired = waiters.fireAll(Boolean.TRUE);
        }
        WaitList.wakeAll(fired);
    }

    /** Lowers the flag: later {@code await} calls block until the next {@link #set()}. Never blocks. */
    public void clear() {
        affinity.touch();
        synchronized (lock) {
            flag = false;
        }
    }

    /** Whether the flag is set. */
    public boolean isSet() {
        return flag;
    }

    /** Same as {@link #isSet()}. */
    @Override
    public boolean isReady() {
        return flag;
    }

    /** Waits until the flag is set (returns at once if it is). */
    public void await() {
        await0(Durations.FOREVER);
    }

    /**
     * Waits until the flag is set, at most {@code timeout} (null = no limit).
     *
     * @return true if the flag was set (or this waiter was woken by {@code set()}), false if the timeout passed
     * @throws IllegalArgumentException if timeout is negative
     */
    public boolean await(Duration timeout) {
        return await0(Durations.timeoutNanos(timeout, "timeout"));
    }

    private boolean await0(long nanos) {
        if (flag) {
            return true;
        }
        if (nanos == 0) {
            return false;
        }
        boolean internal = affinity.internalWait();
        return WaitList.awaitUnless(lock, waiters, () -> flag, nanos, internal, this);
    }

    @Override
    public Runnable onReady(Runnable notifier) {
        java.util.Objects.requireNonNull(notifier, "notifier");
        WaitNode node = WaitNode.forNotifier(notifier);
        synchronized (lock) {
            if (!flag) {
                waiters.add(node);
                return WaitList.remover(lock, waiters, node);
            }
        }
        notifier.run();
        return () -> { };
    }

    @Override
    public String toString() {
        return "Event[" + (flag ? "set" : "clear") + "]";
    }
}
