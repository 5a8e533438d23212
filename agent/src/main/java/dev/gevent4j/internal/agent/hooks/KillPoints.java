package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.Strand;

/**
 * Kill and {@code Timeout} at java.util.concurrent park points (agent option {@code park}). The runtime delivers a
 * kill to a greenlet blocked outside gevent4j's own waits as an interrupt; the JDK's own interrupt handling then
 * unwinds the wait and leaves the lock, condition or queue consistent (the waiter's node is cancelled, a condition
 * waiter re-acquires its lock). At the exit of each patched blocking method, an {@link InterruptedException} that
 * a pending kill caused is replaced by the kill itself, so application code that catches InterruptedException
 * cannot swallow a kill.
 *
 * <pre>{@code
 * // exit advice of Thread.sleepNanos, AQS.acquireInterruptibly, ConditionObject.await, ...:
 * if (thrown instanceof InterruptedException) { Throwable k = KillPoints.pendingKill(); if (k != null) thrown = k; }
 * }</pre>
 *
 * <p>Never throws itself; for a platform thread, or with nothing pending, it returns null and the JDK's behaviour is
 * unchanged.
 */
public final class KillPoints {
    private KillPoints() {}

    /** The kill/Timeout pending for the calling greenlet (taken, its interrupt cleared), or null. */
    public static Throwable pendingKill() {
        try {
            if (Internals.currentHub() == null) {
                return null;
            }
            Strand s = Internals.currentStrand();
            if (s.pending() == null) {
                return null;
            }
            Throwable t = s.takePending();
            if (t instanceof RuntimeException || t instanceof Error) {
                t.fillInStackTrace();
            }
            return t;
        } catch (Throwable unexpected) {
            return null;
        }
    }
}
