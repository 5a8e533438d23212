package dev.gevent4j.internal;

/**
 * A gate that opens once: waiters park until it is open (a thread pool result is in, a child process has exited).
 * Waiters queue as {@link WaitNode}s in a {@link WaitList}, the protocol of every gevent4j primitive. Not API.
 *
 * <pre>{@code
 * OneShotLatch exited = new OneShotLatch();
 * process.onExit().thenRun(exited::open);          // any thread
 * boolean gone = exited.await(nanos, this);        // parks this greenlet only
 * }</pre>
 *
 * <p>Timeout: {@link #await} returns false. Kill and {@code Timeout}: raised in the waiter, whose node is cancelled.
 * Interrupt: ignored while waiting, kept as the interrupt status (as every gevent4j wait). The waits never count
 * towards LoopExit: what opens the gate is another thread. Thread contract: any thread, except a hub's own.
 */
public final class OneShotLatch {
    /** Guarded by itself; the lock is held for short, non-blocking sections only. */
    private final WaitList waiters = new WaitList();
    private volatile boolean open;

    /** Whether the latch has opened. */
    public boolean isOpen() {
        return open;
    }

    /** Opens the latch and wakes every waiter; returns false if it was already open. Any thread. */
    public boolean open() {
        WaitNode[] fired;
        synchronized (waiters) {
            if (open) {
                return false;
            }
            open = true;
            fired = waiters.fireAll(null);
        }
        WaitList.wakeAll(fired);
        return true;
    }

    /**
     * Waits until the latch is open, at most {@code timeoutNanos} ({@link Durations#FOREVER}: no limit).
     *
     * @param blocker what the waiter waits on, as dumps show it
     * @return whether it is open (false: the timeout passed)
     */
    public boolean await(long timeoutNanos, Object blocker) {
        if (open) {
            return true;
        }
        return WaitList.awaitUnless(waiters, waiters, () -> open, timeoutNanos, false, blocker);
    }
}
