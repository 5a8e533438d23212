package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.TimerQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A virtual thread's park timeout as a hub timer, handed back to the JDK as the {@link Future} it cancels when the
 * thread is woken early.
 *
 * <pre>{@code
 * HubTimerFuture f = new HubTimerFuture(hub, deadline, parkTimeoutExpired);
 * Internals.addTimer(hub, f);   // fire() runs the task on the hub thread
 * f.cancel(false);              // early unpark
 * }</pre>
 *
 * <p>{@code get()} is not used by the JDK; it only reports a completed or cancelled state and never waits (it throws
 * {@link TimeoutException} via the timed variant or {@link IllegalStateException} while pending).
 */
final class HubTimerFuture extends TimerQueue.Timer implements Future<Object> {
    private static final int PENDING = 0;
    private static final int DONE = 1;
    private static final int CANCELLED = 2;

    private final Hub hub;
    private final Runnable task;
    private final AtomicInteger state = new AtomicInteger();
    /**
     * Whether the park counts as a timer wait of the hub ({@link Internals#timerWait}) until the timer fires or is
     * cancelled: on a virtual-time hub, so that its clock may jump to the deadline.
     */
    private final boolean countedWait;

    HubTimerFuture(Hub hub, long deadline, Runnable task, boolean countedWait) {
        super(deadline);
        this.hub = hub;
        this.task = task;
        this.countedWait = countedWait;
    }

    @Override
    public void fire() {
        if (state.compareAndSet(PENDING, DONE)) {
            waitEnded();
            task.run();
        }
    }

    /** Cancelled by the JDK when the parked thread resumes early (on its carrier: the hub thread). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        if (state.compareAndSet(PENDING, CANCELLED)) {
            waitEnded();
            Internals.cancelTimer(hub, this);
            return true;
        }
        return false;
    }

    private void waitEnded() {
        if (countedWait) {
            Internals.timerWait(hub, false);
        }
    }

    @Override
    public boolean isCancelled() {
        return state.get() == CANCELLED;
    }

    @Override
    public boolean isDone() {
        return state.get() != PENDING;
    }

    @Override
    public Object get() throws ExecutionException {
        return now();
    }

    @Override
    public Object get(long timeout, TimeUnit unit) throws TimeoutException {
        if (state.get() == PENDING) {
            throw new TimeoutException("hub timer pending");
        }
        return now();
    }

    private Object now() {
        int s = state.get();
        if (s == CANCELLED) {
            throw new CancellationException();
        }
        if (s == PENDING) {
            throw new IllegalStateException("hub timer pending: get() does not wait");
        }
        return null;
    }
}
