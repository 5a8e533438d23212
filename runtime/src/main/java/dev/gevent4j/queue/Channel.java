package dev.gevent4j.queue;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Internals;
import java.time.Duration;

/**
 * A rendezvous between greenlets: gevent's {@code gevent.queue.Channel} (java.util.concurrent's
 * {@code SynchronousQueue}). It holds no items: {@link #put} waits until a getter takes the item, and {@link #get}
 * waits until a putter offers one. Blocked putters and getters are paired in the order they started waiting.
 *
 * <pre>{@code
 * Channel<String> ch = new Channel<>();
 * Gevent.spawn(() -> ch.put("ping"));     // waits for a taker
 * String s = ch.get();                    // "ping"; the putter then continues
 * }</pre>
 *
 * <p>{@link #size()} is always 0 and {@link #peek()} null (there is nothing stored); {@link #putNowait} succeeds only
 * if a getter is already waiting, {@link #getNowait} only if a putter is.
 *
 * <p><b>Timeout, interrupt and kill.</b> {@code put(E, Duration)} raises {@link QueueFull} and {@code get(Duration)}
 * raises {@link QueueEmpty} when the timeout passes (the BlockingQueue methods return false/null). A kill or a
 * {@link dev.gevent4j.Timeout} raised in a waiting greenlet propagates and the hand-over does not happen (unless it
 * completed at that very moment). Waits are not interruptible by {@link Thread#interrupt()}. Thread-safe across hubs
 * and plain threads. {@link #shutdown()} makes waiting and later puts and gets raise {@link QueueShutDown}.
 */
public class Channel<E> extends BaseQueue<E> {
    /** Creates a channel. */
    public Channel() {
        super(0);
    }

    /** Hands {@code item} to a getter, waiting as long as needed for one. */
    @Override
    public void put(E item) {
        put0(item, Durations.FOREVER);
    }

    /**
     * Hands {@code item} to a getter, waiting at most {@code timeout} (null = no limit).
     *
     * @throws QueueFull if no getter took it in time
     */
    public void put(E item, Duration timeout) {
        if (!put0(item, Durations.timeoutNanos(timeout, "timeout"))) {
            throw new QueueFull("no getter took the item from the Channel within " + timeout);
        }
    }

    /**
     * Hands {@code item} to a getter that is already waiting.
     *
     * @throws QueueFull if no getter is waiting
     */
    public void putNowait(E item) {
        if (!put0(item, 0)) {
            throw new QueueFull("no getter is waiting on the Channel");
        }
    }

    /** Takes an item from a putter, waiting as long as needed for one. */
    @SuppressWarnings("unchecked")
    public E get() {
        return (E) get0(Durations.FOREVER);
    }

    /**
     * Takes an item from a putter, waiting at most {@code timeout} (null = no limit).
     *
     * @throws QueueEmpty if no putter came in time
     */
    @SuppressWarnings("unchecked")
    public E get(Duration timeout) {
        Object v = get0(Durations.timeoutNanos(timeout, "timeout"));
        if (v == NONE) {
            throw new QueueEmpty("no putter offered an item on the Channel within " + timeout);
        }
        return (E) v;
    }

    /**
     * Takes an item from a putter that is already waiting.
     *
     * @throws QueueEmpty if no putter is waiting
     */
    @SuppressWarnings("unchecked")
    public E getNowait() {
        Object v = get0(0);
        if (v == NONE) {
            throw new QueueEmpty("no putter is waiting on the Channel");
        }
        return (E) v;
    }

    /** Whether a getter is waiting (a put would not block). */
    public boolean hasGetters() {
        synchronized (lock) {
            return !getters.isEmpty();
        }
    }

    /** Whether a putter is waiting (a get would not block). */
    public boolean hasPutters() {
        synchronized (lock) {
            return !putters.isEmpty();
        }
    }

    /** Makes every waiting and later put and get raise {@link QueueShutDown}. Never blocks. */
    public void shutdown() {
        shutdown0(false);
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "Channel[getters=" + getters.size() + ", putters=" + putters.size() + "]";
        }
    }
}
