package dev.gevent4j.lock;

import java.time.Duration;

/**
 * A reentrant lock for greenlets: gevent's {@code gevent.lock.RLock}. The greenlet (or thread) that holds it may
 * acquire it again; it is free once released as many times as acquired. Waiting greenlets get it in the order they
 * started waiting.
 *
 * <pre>{@code
 * RLock lock = new RLock();
 * try (var held = lock.acquire()) {
 *     try (var again = lock.acquire()) {    // same greenlet: does not block
 *         update();
 *     }
 * }
 * }</pre>
 *
 * <p>Ownership is by thread: each greenlet is its own (virtual) thread. Releasing a lock the caller does not hold
 * raises {@link IllegalStateException} (gevent's {@code RuntimeError}).
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #acquire(Duration)} returns false when the timeout passes. A kill or
 * a {@link dev.gevent4j.Timeout} raised while waiting propagates without the lock being taken.
 * {@link Thread#interrupt()} does not end a wait. Thread-safe across hubs and plain threads.
 */
public final class RLock implements AutoCloseable {
    /* Implementation note: gevent's design, a Semaphore(1) plus owner and count. */
    private final Semaphore block = new Semaphore(1);
    private volatile Thread owner;
    private int count; // touched only by the owner

    /** Creates an unlocked lock. */
    public RLock() {}

    /** Acquires the lock, waiting as long as needed; returns this lock, for try-with-resources. */
    public RLock acquire() {
        Thread me = Thread.currentThread();
        if (owner == me) {
            count++;
            return this;
        }
        block.acquire();
        owner = me;
        count = 1;
        return this;
    }

    /**
     * Acquires the lock, waiting at most {@code timeout} (null = no limit; zero = do not wait).
     *
     * @return whether the lock was acquired
     */
    public boolean acquire(Duration timeout) {
        Thread me = Thread.currentThread();
        if (owner == me) {
            count++;
            return true;
        }
        if (!block.acquire(timeout)) {
            return false;
        }
        owner = me;
        count = 1;
        return true;
    }

    /** Acquires the lock if that needs no waiting. */
    public boolean tryAcquire() {
        return acquire(Duration.ZERO);
    }

    /**
     * Releases one hold; the lock becomes free when every acquire has been matched.
     *
     * @throws IllegalStateException if the caller does not hold the lock
     */
    public void release() {
        Thread me = Thread.currentThread();
        Thread o = owner;
        if (o != me) {
            throw new IllegalStateException("cannot release an RLock the caller does not hold: held by "
                    + (o == null ? "nobody" : o.getName()) + ", caller is " + me.getName());
        }
        if (--count == 0) {
            owner = null;
            block.release();
        }
    }

    /** Same as {@link #release()}, for try-with-resources. */
    @Override
    public void close() {
        release();
    }

    /** Whether some greenlet or thread holds the lock. */
    public boolean isLocked() {
        return owner != null;
    }

    /** Whether the calling greenlet (or thread) holds the lock. */
    public boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread();
    }

    /** How many times the caller holds the lock (0 if it does not). */
    public int getHoldCount() {
        return owner == Thread.currentThread() ? count : 0;
    }

    @Override
    public String toString() {
        Thread o = owner;
        return "RLock[" + (o == null ? "unlocked" : "held by " + o.getName()) + "]";
    }
}
