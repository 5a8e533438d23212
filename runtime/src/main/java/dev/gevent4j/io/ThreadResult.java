package dev.gevent4j.io;

import dev.gevent4j.Timeout;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.OneShotLatch;
import dev.gevent4j.internal.Throwables;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * The result of a function handed to a {@link ThreadPool}: filled by a pool thread, waited for by greenlets
 * (gevent's {@code AsyncResult} returned by {@code threadpool.spawn}).
 *
 * <pre>{@code
 * ThreadResult<byte[]> r = hub.threadPool().submit(() -> Files.readAllBytes(path));
 * byte[] data = r.get();          // parks this greenlet only; the hub runs the others meanwhile
 * }</pre>
 *
 * <p>Timeout, interrupt and kill: {@link #get(Duration)} raises {@link Timeout} when the time passes; a kill or a
 * {@link Timeout} raised in the waiting greenlet ends its wait at once, but the function keeps running on its pool
 * thread (Java cannot stop a thread safely); {@link #cancel()} interrupts it. Waits ignore
 * {@link Thread#interrupt()} like the rest of gevent4j's waits.
 *
 * <p>Thread contract: any thread may wait; called from a greenlet only that greenlet parks.
 */
public final class ThreadResult<T> {
    /*
     * The pool thread stores the outcome, then opens the latch, which unparks every waiter. A greenlet's unpark goes
     * to its hub's scheduler, which posts to the hub's loop from a foreign thread: that is the loop's wake-up (no
     * polling).
     */
    private final OneShotLatch completed = new OneShotLatch();
    private volatile boolean done;
    private T value;
    private Throwable exception;
    private volatile Runnable canceller;

    ThreadResult() {}

    void complete(T v, Throwable failure) {
        if (done) {
            return;
        }
        synchronized (this) {
            if (done) {
                return;
            }
            value = v;
            exception = failure;
            done = true;
        }
        completed.open();
    }

    void setCanceller(Runnable c) {
        canceller = c;
    }

    /** Whether the function has ended (with a value or an exception) or was cancelled. */
    public boolean isDone() {
        return done;
    }

    /** Whether the function ended without an exception. */
    public boolean isSuccessful() {
        return done && exception == null;
    }

    /** The exception the function ended with, or null. */
    public Throwable exception() {
        return done ? exception : null;
    }

    /**
     * Waits for the function to end and returns its value; if it failed, raises its exception (unchecked exceptions
     * and errors as themselves, checked ones wrapped in {@link java.util.concurrent.CompletionException}).
     *
     * @throws CancellationException if the result was cancelled
     */
    public T get() {
        await(Durations.FOREVER);
        return result();
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeout} (null = no limit).
     *
     * @throws Timeout if the function has not ended in time (it keeps running)
     * @throws IllegalArgumentException if timeout is negative
     */
    public T get(Duration timeout) {
        if (!await(Durations.timeoutNanos(timeout, "timeout"))) {
            throw new Timeout(timeout, "timed out after " + timeout + " waiting for a thread pool result");
        }
        return result();
    }

    /**
     * Cancels the function: if it has not started it never will; if it runs, its pool thread is interrupted. Waiters
     * get a {@link CancellationException}. Returns whether this call cancelled it.
     */
    public boolean cancel() {
        if (done) {
            return false;
        }
        Runnable c = canceller;
        if (c != null) {
            c.run();
        }
        boolean wasDone = done;
        complete(null, new CancellationException("the thread pool function was cancelled"));
        return !wasDone;
    }

    private boolean await(long nanos) {
        return completed.await(nanos, this);
    }

    private T result() {
        Throwable e;
        synchronized (this) {
            e = exception;
        }
        if (e != null) {
            throw Throwables.rethrow(e);
        }
        return value;
    }

    @Override
    public String toString() {
        return "ThreadResult[" + (done ? (exception == null ? "done" : "failed: " + exception) : "pending") + "]";
    }
}
