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
 * <p><b>Timeout, interrupt and kill.</b> {@link #add(Greenlet, boolean, Duration)} raises {@link PoolFull} when it
 * must not wait, or its timeout passes, and the pool is still full. {@link #waitAvailable(Duration)} returns 0 on
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
     * Waits until at least one slot is free, at most {@code timeout} (null = no limit), without taking it.
     *
     * @return the number of free slots (0 if the timeout passed)
     */
    public int waitAvailable(Duration timeout) {
        return slots.awaitAvailable(timeout);
    }

    /** Adds {@code greenlet}, waiting for a free slot as long as needed. */
    @Override
    public void add(Greenlet<?> greenlet) {
        add(greenlet, true, null);
    }

    /**
     * Adds {@code greenlet}. If the pool is full: with {@code blocking}, waits at most {@code timeout} (null = no
     * limit) for a slot; without, fails at once.
     *
     * @throws PoolFull if no slot was free (in time)
     */
    public void add(Greenlet<?> greenlet, boolean blocking, Duration timeout) {
        if (contains(greenlet)) {
            return;
        }
        if (!slots.acquire(blocking ? timeout : Duration.ZERO)) {
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
