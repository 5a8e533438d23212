package dev.gevent4j.event;

import dev.gevent4j.Hub;
import dev.gevent4j.Timeout;
import dev.gevent4j.Waitable;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.HubAffinity;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.Throwables;
import dev.gevent4j.internal.WaitList;
import dev.gevent4j.internal.WaitNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A value (or exception) that will be available later: gevent's {@code gevent.event.AsyncResult}. It is completed
 * once, with {@link #set} or {@link #setException}; every waiter is then woken, in the order it started waiting, and
 * {@linkplain #link links} run.
 *
 * <pre>{@code
 * AsyncResult<String> r = new AsyncResult<>();
 * Gevent.spawn(() -> r.set(fetch()));
 * String s = r.get(Duration.ofSeconds(5));   // raises Timeout if not set within 5 s
 * }</pre>
 *
 * <p>{@link #get()} returns the value or raises the exception (unchecked ones as themselves, checked ones wrapped
 * in {@link java.util.concurrent.CompletionException}); {@link #await(Duration)} returns the value, or null on
 * timeout or failure, and never raises the stored exception. {@link #toCompletableFuture()} gives a
 * java.util.concurrent view.
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #get(Duration)} raises a {@link Timeout} when the timeout passes;
 * {@link #await(Duration)} returns null. A kill or a running {@code Timeout} raised in a waiting greenlet propagates.
 * {@link Thread#interrupt()} does not end a wait; the interrupt status is kept. Thread-safe: completing, waiting and
 * linking may happen on greenlets of different hubs or plain threads; {@code set} never blocks.
 */
public final class AsyncResult<T> implements Waitable {
    /*
     * Implementation note: own code (not CompletableFuture) because waits must go through Internals.await (hub
     * timers, kill/Timeout delivery, LoopExit accounting) and waiters and links must be woken in registration order.
     * Waiting threads, Gevent.await notifiers and links share one FIFO WaitList under a private monitor.
     */
    private static final System.Logger LOG = System.getLogger("dev.gevent4j");
    private static final int PENDING = 0;
    private static final int VALUE = 1;
    private static final int EXCEPTION = 2;

    private final Object lock = new Object();
    private final WaitList waiters = new WaitList();
    private final HubAffinity affinity = new HubAffinity();
    private volatile int state = PENDING;
    private T value;
    private Throwable exception;
    private CompletableFuture<T> future;

    /** Creates an incomplete result. */
    public AsyncResult() {}

    /**
     * Completes the result with {@code value} (may be null) and wakes every waiter. Never blocks.
     *
     * @throws IllegalStateException if the result was already completed
     */
    public void set(T value) {
        complete(VALUE, value, null);
    }

    /**
     * Completes the result with {@code exception} and wakes every waiter; {@link #get()} will raise it.
     *
     * @throws IllegalStateException if the result was already completed
     */
    public void setException(Throwable exception) {
        Objects.requireNonNull(exception, "exception");
        complete(EXCEPTION, null, exception);
    }

    private void complete(int newState, T v, Throwable ex) {
        affinity.touch();
        WaitNode[] fired;
        synchronized (lock) {
            if (state != PENDING) {
                throw new IllegalStateException("AsyncResult already completed with "
                        + (state == VALUE ? "value " + value : "exception " + exception)
                        + "; set and setException may be called once");
            }
            value = v;
            exception = ex;
            state = newState;
            fired = waiters.fireAll(Boolean.TRUE);
        }
        WaitList.wakeAll(fired);
    }

    /** Whether the result was completed (gevent's {@code ready()}). */
    @Override
    public boolean isReady() {
        return state != PENDING;
    }

    /** Whether the result was completed with a value. */
    public boolean isSuccessful() {
        return state == VALUE;
    }

    /** The value, or null if not completed or completed with an exception. */
    public T value() {
        return state == VALUE ? value : null;
    }

    /** The exception, or null if not completed or completed with a value. */
    public Throwable exception() {
        return state == EXCEPTION ? exception : null;
    }

    /** Waits until completed; returns the value or raises the exception. */
    public T get() {
        waitReady(Durations.FOREVER);
        return result();
    }

    /**
     * Like {@link #get()}, waiting at most {@code timeout} (null = no limit).
     *
     * @throws Timeout if not completed within {@code timeout}
     * @throws IllegalArgumentException if timeout is negative
     */
    public T get(Duration timeout) {
        if (!waitReady(Durations.timeoutNanos(timeout, "timeout"))) {
            throw new Timeout(timeout, "timed out after " + timeout + " waiting for " + this);
        }
        return result();
    }

    /** Returns the value if completed with one; raises the exception if completed with one; else null. */
    public T getNowait() {
        return isReady() ? result() : null;
    }

    /** Waits until completed and returns the value (null if completed with an exception). Never raises it. */
    public T await() {
        waitReady(Durations.FOREVER);
        return value();
    }

    /**
     * Waits at most {@code timeout} (null = no limit) and returns the value, or null if the timeout passed or the
     * result holds an exception. Does not raise the stored exception.
     */
    public T await(Duration timeout) {
        waitReady(Durations.timeoutNanos(timeout, "timeout"));
        return value();
    }

    private T result() {
        if (state == EXCEPTION) {
            throw Throwables.rethrow(exception);
        }
        return value;
    }

    private boolean waitReady(long nanos) {
        if (state != PENDING) {
            return true;
        }
        if (nanos == 0) {
            return false;
        }
        boolean internal = affinity.internalWait();
        return WaitList.awaitUnless(lock, waiters, () -> state != PENDING, nanos, internal, this);
    }

    @Override
    public Runnable onReady(Runnable notifier) {
        Objects.requireNonNull(notifier, "notifier");
        WaitNode node = WaitNode.forNotifier(notifier);
        synchronized (lock) {
            if (state == PENDING) {
                waiters.add(node);
                return WaitList.remover(lock, waiters, node);
            }
        }
        notifier.run();
        return () -> { };
    }

    /**
     * Calls {@code callback} with this result once it is completed (soon, if it already is). Callbacks run on the hub
     * thread of the greenlet that linked them (outside any greenlet: the default hub), in the order they were
     * linked, and MUST NOT block; an exception from a callback is logged.
     */
    public void link(Consumer<? super AsyncResult<T>> callback) {
        Objects.requireNonNull(callback, "callback");
        Hub h = Hub.current();
        Hub hub = h != null ? h : Hub.getDefault();
        onReady(new Link(callback, hub));
    }

    /** Removes links registered with {@code callback} that have not run yet; returns whether one was removed. */
    public boolean unlink(Consumer<? super AsyncResult<T>> callback) {
        boolean removed = false;
        synchronized (lock) {
            for (Iterator<WaitNode> it = waiters.iterator(); it.hasNext(); ) {
                WaitNode n = it.next();
                if (n.notifier() instanceof AsyncResult<?>.Link l && l.callback == callback && n.cancel()) {
                    it.remove();
                    removed = true;
                }
            }
        }
        return removed;
    }

    private final class Link implements Runnable {
        final Consumer<? super AsyncResult<T>> callback;
        final Hub hub;

        Link(Consumer<? super AsyncResult<T>> callback, Hub hub) {
            this.callback = callback;
            this.hub = hub;
        }

        @Override
        public void run() {
            try {
                hub.callSoon(() -> {
                    try {
                        callback.accept(AsyncResult.this);
                    } catch (Throwable t) {
                        LOG.log(System.Logger.Level.ERROR, "a link of " + AsyncResult.this + " failed", t);
                    }
                });
            } catch (IllegalStateException closed) {
                LOG.log(System.Logger.Level.WARNING, "a link of " + AsyncResult.this + " was dropped: " + hub
                        + " is closed");
            }
        }
    }

    /**
     * A {@link CompletableFuture} completed when this result is (with the same value or exception), for
     * java.util.concurrent code. Completing the returned future does not complete this result. Its dependent stages
     * run on the thread that completes this result (possibly a hub thread), so they MUST NOT block; use the
     * {@code *Async} variants for blocking work. The same future is returned on every call.
     */
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> f;
        synchronized (lock) {
            f = future;
            if (f != null) {
                return f;
            }
            f = new CompletableFuture<>();
            future = f;
        }
        CompletableFuture<T> cf = f;
        onReady(() -> {
            if (state == VALUE) {
                cf.complete(value);
            } else {
                cf.completeExceptionally(exception);
            }
        });
        return f;
    }

    @Override
    public String toString() {
        return switch (state) {
            case PENDING -> "AsyncResult[pending]";
            case VALUE -> "AsyncResult[value=" + value + "]";
            default -> "AsyncResult[exception=" + exception + "]";
        };
    }
}
