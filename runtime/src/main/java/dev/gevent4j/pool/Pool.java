package dev.gevent4j.pool;

import dev.gevent4j.Greenlet;
import dev.gevent4j.lock.Semaphore;
import java.time.Duration;

/**
 * A {@link Group} with at most {@code size} members: gevent's {@code gevent.pool.Pool}. {@link #spawn} and
 * {@link #add} wait (yielding to the hub) while the pool is full, so a loop that spawns into a pool runs at most
 * {@code size} greenlets at once. Waiting spawners get slots in the order they started waiting.
 *
 * <pre>{@code
 * Pool pool = new Pool(10);
 * for (String url : urls) pool.spawn(() -> fetch(url));   // the 11th spawn waits for a slot
 * pool.join();
 * }</pre>
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #add(Greenlet, Duration)} and {@link #addNowait} raise
 * {@link PoolFull} when the timeout passes, or at once, and the pool is still full. {@link #awaitAvailable(Duration)} returns 0 on
 * timeout. A kill or {@link dev.gevent4j.Timeout} raised in a waiting spawner propagates, and the greenlet it was
 * about to spawn is never started. {@link Thread#interrupt()} does not end a wait. Thread-safe.
 */
public class Pool extends Group {
    /* Implementation note: gevent's design, a Semaphore of `size` permits; a member's slot is released when it
     * leaves the group (its link, on its hub's thread). */
    private final int size;
    private final Semaphore slots;

    /**
     * Creates a pool of at most {@code size} greenlets.
     *
     * @throws IllegalArgumentException if size is less than 1
     */
    public Pool(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("pool size is " + size + "; it must be >= 1 (use a Group for no bound)");
        }
        this.size = size;
        this.slots = new Semaphore(size);
    }

    /** The maximum number of members. */
    public int capacity() {
        return size;
    }

    /** The number of free slots. */
    public int freeCount() {
        return slots.availablePermits();
    }

    /** Whether every slot is taken. */
    public boolean isFull() {
        return freeCount() == 0;
    }

    /**
     * Waits until at least one slot is free, at most {@code timeout} (null = no limit), without taking it (gevent's
     * {@code wait_available}; named like {@link Semaphore#awaitAvailable}, as {@code wait} is {@link Object#wait()}).
     *
     * @return the number of free slots (0 if the timeout passed)
     */
    public int awaitAvailable(Duration timeout) {
        return slots.awaitAvailable(timeout);
    }

    /**
     * gevent's {@code wait_available}.
     *
     * @deprecated use {@link #awaitAvailable(Duration)}
     */
    @Deprecated(forRemoval = true)
    public int waitAvailable(Duration timeout) {
        return awaitAvailable(timeout);
    }

    /** Adds {@code greenlet}, waiting for a free slot as long as needed. */
    @Override
    public void add(Greenlet<?> greenlet) {
        add(greenlet, null);
    }

    /**
     * Adds {@code greenlet}, waiting at most {@code timeout} (null = no limit) for a free slot.
     *
     * @throws PoolFull if no slot was free in time
     */
    public void add(Greenlet<?> greenlet, Duration timeout) {
        add0(greenlet, timeout, true);
    }

    /**
     * Adds {@code greenlet} if a slot is free now.
     *
     * @throws PoolFull if the pool is full
     */
    public void addNowait(Greenlet<?> greenlet) {
        add0(greenlet, Duration.ZERO, false);
    }

    /**
     * The positional form of gevent's {@code add(greenlet, blocking, timeout)}.
     *
     * @deprecated use {@link #add(Greenlet, Duration)} or {@link #addNowait(Greenlet)}
     */
    @Deprecated(forRemoval = true)
    public void add(Greenlet<?> greenlet, boolean blocking, Duration timeout) {
        add0(greenlet, blocking ? timeout : Duration.ZERO, blocking);
    }

    private void add0(Greenlet<?> greenlet, Duration timeout, boolean blocking) {
        if (contains(greenlet)) {
            return;
        }
        if (!slots.acquire(timeout)) {
            throw new PoolFull("pool of " + size + " is full" + (blocking ? " (waited " + timeout + ")" : ""));
        }
        if (!addMember(greenlet)) {
            slots.release();
        }
    }

    @Override
    void onRemoved(Greenlet<?> greenlet) {
        slots.release();
    }

    /** The pool's size: imap keeps every slot busy. */
    @Override
    public int defaultLookahead() {
        return size;
    }

    @Override
    public String toString() {
        return "Pool[" + size() + "/" + size + "]";
    }
}
