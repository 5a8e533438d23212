package dev.gevent4j.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * One waiter of a gevent4j primitive (Event, AsyncResult, the locks, the queues): a parked thread or greenlet, or a
 * notifier callback (used by {@code Gevent.await}/{@code iwait}). Not API.
 *
 * <p>Protocol: the primitive keeps its nodes in a {@link WaitList} guarded by the primitive's own lock. A waker, while
 * holding that lock, {@linkplain #fire fires} a node (optionally handing it an item: a permit, a queue element), and
 * then, after releasing the lock, {@linkplain #wake wakes} it. The waiter parks through {@link WaitList#await} until
 * its node is fired; a waiter that gives up (timeout, kill) {@linkplain #cancel cancels} its node under the same lock,
 * so a node is either fired or cancelled, never both, and an item handed to it is never lost.
 */
public final class WaitNode implements java.util.function.BooleanSupplier {
    static final int WAITING = 0;
    static final int FIRED = 1;
    static final int CANCELLED = 2;

    private final Thread thread;
    private final Runnable notifier;
    private volatile int state;
    /** Written before {@link #state} becomes FIRED, read after seeing it: published by the volatile write. */
    private Object item;
    /** What the waiter offers (a queue putter's element). Immutable after construction. */
    private final Object offer;

    private WaitNode(Thread thread, Runnable notifier, Object offer) {
        this.thread = thread;
        this.notifier = notifier;
        this.offer = offer;
    }

    /** A node for the calling thread (or greenlet), offering {@code offer} (may be null). */
    public static WaitNode forCurrentThread(Object offer) {
        return new WaitNode(Thread.currentThread(), null, offer);
    }

    /** A node that runs {@code notifier} when woken. The notifier MUST be quick and MUST NOT block. */
    public static WaitNode forNotifier(Runnable notifier) {
        return new WaitNode(null, notifier, null);
    }

    /** The notifier of a notifier node, else null. */
    public Runnable notifier() {
        return notifier;
    }

    /** Whether this node parks a thread (false: a notifier). */
    public boolean isThread() {
        return thread != null;
    }

    /**
     * Marks the node fired, handing it {@code item}. MUST be called holding the owning primitive's lock; call
     * {@link #wake} after releasing it.
     *
     * @return false if the node was no longer waiting (cancelled or already fired)
     */
    public boolean fire(Object item) {
        if (state != WAITING) {
            return false;
        }
        this.item = item;
        state = FIRED;
        return true;
    }

    /** Unparks the thread or runs the notifier. Any thread; best called without holding locks. */
    public void wake() {
        if (thread != null) {
            LockSupport.unpark(thread);
        } else {
            notifier.run();
        }
    }

    /** Marks a waiting node cancelled. MUST be called holding the owning primitive's lock. */
    public boolean cancel() {
        if (state != WAITING) {
            return false;
        }
        state = CANCELLED;
        return true;
    }

    public boolean isFired() {
        return state == FIRED;
    }

    /**
     * Same as {@link #isFired()}: the node is its own wait condition, so a parked waiter holds no method-reference
     * object for it (benchmarks/RESULTS.md, "The per-greenlet footprint").
     */
    @Override
    public boolean getAsBoolean() {
        return state == FIRED;
    }

    public boolean isWaiting() {
        return state == WAITING;
    }

    /** The item handed by {@link #fire}; valid once {@link #isFired()}. */
    public Object item() {
        return item;
    }

    /** What the waiter offers (a putter's element). */
    public Object offer() {
        return offer;
    }
}
