package dev.gevent4j.lock;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.HubAffinity;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.WaitList;
import dev.gevent4j.internal.WaitNode;
import java.time.Duration;

/**
 * A counting semaphore for greenlets: gevent's {@code gevent.lock.Semaphore}. {@link #acquire()} takes a permit,
 * waiting (and yielding to the hub) while there is none; {@link #release()} returns one. Blocked acquirers are served
 * strictly in the order they started waiting: a released permit is handed to the longest waiter, never taken by a
 * newcomer.
 *
 * <pre>{@code
 * Semaphore sem = new Semaphore(2);           // at most two greenlets inside at once
 * try (var permit = sem.acquire()) {          // close() releases
 *     fetch(url);
 * }
 * }</pre>
 *
 * <p>Releasing more often than acquiring simply adds permits; use {@link BoundedSemaphore} to make that an error.
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #acquire(Duration)} returns false when the timeout passes. A kill or a
 * {@link dev.gevent4j.Timeout} raised in a waiting greenlet propagates out of {@code acquire} without taking a permit
 * (a permit handed over at that very moment is passed on to the next waiter). {@link Thread#interrupt()} does not end
 * a wait; the interrupt status is kept. Thread-safe: greenlets of different hubs and plain threads may share it;
 * {@code release} never blocks and may be called from hub callbacks.
 */
public class Semaphore implements AutoCloseable {
    /*
     * Implementation note: own code rather than java.util.concurrent.Semaphore, because waits must go through
     * Internals.await (hub timers for timeouts instead of the JDK's, kill/Timeout delivery, LoopExit accounting) and
     * wake-up must be FIFO with direct hand-off. The counter and the waiter list live under a private monitor held
     * only for short non-blocking sections; acquirers park outside it.
     */
    private final Object lock = new Object();
    private final WaitList acquirers = new WaitList();
    private final WaitList watchers = new WaitList();
    private final HubAffinity affinity = new HubAffinity();
    private final int bound;
    private int counter;

    /**
     * Creates a semaphore with {@code permits} permits.
     *
     * @throws IllegalArgumentException if permits is negative
     */
    public Semaphore(int permits) {
        this(permits, -1);
    }

    Semaphore(int permits, int bound) {
        if (permits < 0) {
            throw new IllegalArgumentException("permits is " + permits + "; it must be >= 0");
        }
        this.counter = permits;
        this.bound = bound;
    }

    /** Takes a permit, waiting as long as needed. Returns this semaphore, so it can be used in try-with-resources. */
    public Semaphore acquire() {
        acquire0(Durations.FOREVER);
        return this;
    }

    /**
     * Takes a permit, waiting at most {@code timeout} (null = no limit; zero = do not wait).
     *
     * @return whether a permit was taken
     * @throws IllegalArgumentException if timeout is negative
     */
    public boolean acquire(Duration timeout) {
        return acquire0(Durations.timeoutNanos(timeout, "timeout"));
    }

    /** Takes a permit if one is free right now (gevent's {@code acquire(blocking=False)}). Never blocks. */
    public boolean tryAcquire() {
        return acquire0(0);
    }

    private boolean acquire0(long nanos) {
        boolean internal = affinity.internalWait();
        WaitNode node;
        synchronized (lock) {
            if (counter > 0) {
                counter--;
                return true;
            }
            if (nanos == 0) {
                return false;
            }
            node = WaitNode.forCurrentThread(null);
            acquirers.add(node);
        }
        return WaitList.await(lock, acquirers, node, nanos, internal, this, n -> release());
    }

    /**
     * Returns a permit: hands it to the longest-waiting acquirer, if any. Never blocks.
     *
     * @throws IllegalStateException for a {@link BoundedSemaphore} released more often than acquired
     */
    public void release() {
        affinity.touch();
        WaitNode wake;
        WaitNode[] watchersFired = null;
        synchronized (lock) {
            wake = acquirers.poll();
            if (wake != null) {
                wake.fire(Boolean.TRUE);
            } else {
                if (bound >= 0 && counter >= bound) {
                    throw new IllegalStateException("BoundedSemaphore released too many times: it already holds "
                            + counter + " of " + bound + " permits; release() must match a successful acquire()");
                }
                counter++;
                watchersFired = watchers.fireAll(Boolean.TRUE);
            }
        }
        if (wake != null) {
            wake.wake();
        }
        WaitList.wakeAll(watchersFired);
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /** The number of free permits (gevent's {@code counter}). */
    public int availablePermits() {
        synchronized (lock) {
            return counter;
        }
    }

    /** Whether no permit is free (gevent's {@code locked()}). */
    public boolean isLocked() {
        return availablePermits() == 0;
    }

    /** The number of greenlets or threads waiting in {@code acquire}. */
    public int queueLength() {
        synchronized (lock) {
            return acquirers.size();
        }
    }

    /**
     * Waits until a permit is free, without taking it, at most {@code timeout} (null = no limit): gevent's
     * {@code Semaphore.wait}. A released permit that is handed straight to a waiting acquirer does not count.
     *
     * @return the number of free permits when the wait ended (0 if the timeout passed)
     */
    public int awaitAvailable(Duration timeout) {
        long nanos = Durations.timeoutNanos(timeout, "timeout");
        boolean internal = affinity.internalWait();
        WaitNode node;
        synchronized (lock) {
            if (counter > 0) {
                return counter;
            }
            if (nanos == 0) {
                return 0;
            }
            node = WaitNode.forCurrentThread(null);
            watchers.add(node);
        }
        WaitList.await(lock, watchers, node, nanos, internal, this, null);
        return availablePermits();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return getClass().getSimpleName() + "[permits=" + counter + ", waiters=" + acquirers.size() + "]";
        }
    }
}
