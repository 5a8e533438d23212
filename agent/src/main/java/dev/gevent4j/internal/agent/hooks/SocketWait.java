package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.internal.TimerQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One greenlet waiting for one socket fd to move past a readiness counter value ({@link FdReadiness}). It is the
 * wait's condition and, for a timed wait, its deadline timer on the hub.
 *
 * <pre>{@code
 * SocketWait w = new SocketWait(st, true, seq, Thread.currentThread(), nanos);
 * st.addWaiter(w);
 * Internals.awaitReleasing(w, w::release, w);   // ends: edge, close, deadline, kill, interrupt
 * }</pre>
 *
 * <p>Timeout (the JDK's {@code nanos}): the hub timer ends the wait normally and the JDK sees its time is up. Kill,
 * gevent4j Timeout or interrupt: {@link #release} ends the wait; the kill is raised by the wait, an interrupt is kept
 * for the JDK. Nothing is registered per wait, so nothing has to be undone.
 */
final class SocketWait extends TimerQueue.Timer implements BooleanSupplier {
    final FdReadiness st;
    final boolean read;
    final int seq;
    final Thread thread;
    private final long deadline;
    private volatile boolean over;

    SocketWait(FdReadiness st, boolean read, int seq, Thread thread, long nanos) {
        this(st, read, seq, thread, nanos > 0 ? System.nanoTime() + nanos : Long.MAX_VALUE, 0);
    }

    private SocketWait(FdReadiness st, boolean read, int seq, Thread thread, long deadline, int unused) {
        super(deadline);
        this.st = st;
        this.read = read;
        this.seq = seq;
        this.thread = thread;
        this.deadline = deadline;
    }

    @Override
    public boolean getAsBoolean() {
        return over || st.closed || st.seq(read) != seq;
    }

    /** A kill, Timeout or interrupt: the wait ends (the caller raises it). Waiter's thread. */
    void release() {
        over = true;
    }

    /** Hub thread: the deadline passed. */
    @Override
    public void fire() {
        timedOut();
    }

    /** The deadline passed. Any thread. */
    void timedOut() {
        over = true;
        LockSupport.unpark(thread);
    }

    /** Nanoseconds to the deadline ({@link Long#MAX_VALUE}: none). */
    long nanosLeft() {
        return deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
    }
}
