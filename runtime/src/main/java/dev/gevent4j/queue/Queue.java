package dev.gevent4j.queue;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Internals;
import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A first-in first-out queue for greenlets: gevent's {@code gevent.queue.Queue} (joinable, like
 * {@code JoinableQueue}), and a {@link java.util.concurrent.BlockingQueue}.
 *
 * <pre>{@code
 * Queue<String> q = new Queue<>(10);           // at most 10 items; new Queue<>() is unbounded
 * Gevent.spawn(() -> { for (String s : q.consume()) { handle(s); q.taskDone(); } });
 * q.put("a");                                  // waits (yielding to the hub) while the queue is full
 * q.join();                                    // until every item put has been marked done
 * q.shutdown();                                // the consumer's loop ends once the queue is empty
 * }</pre>
 *
 * <p>Blocked getters are served in the order they started waiting, and so are blocked putters; an item put while
 * getters wait goes straight to the longest-waiting one. A {@code maxsize} of 0 or less means unbounded (use
 * {@link Channel} for a rendezvous). Items cannot be null.
 *
 * <p>gevent's API and java.util.concurrent's live side by side: {@link #get()}/{@link #take()} wait;
 * {@link #getNowait()} raises {@link QueueEmpty} where {@link #poll()} returns null; {@link #putNowait} raises
 * {@link QueueFull} where {@link #offer(Object)} returns false; {@link #peek()} never waits (BlockingQueue's
 * contract) while {@link #peek(Duration)} waits for an item like gevent's {@code peek}. {@link #iterator()} is a
 * non-consuming snapshot (Collection's contract); {@link #consume()} is gevent's consuming iteration.
 *
 * <p><b>Timeout, interrupt and kill.</b> {@code get(Duration)}/{@code peek(Duration)} raise {@link QueueEmpty} and
 * {@code put(E, Duration)} raises {@link QueueFull} when the timeout passes; the {@code BlockingQueue} methods return
 * null/false instead. A kill or a {@link dev.gevent4j.Timeout} raised in a waiting greenlet propagates: a getter
 * takes nothing (an item handed to it at that moment goes to the next getter or back to the front); a putter's item
 * is not added, unless it was accepted at that very moment. Waits are not interruptible by
 * {@link Thread#interrupt()} (the {@code InterruptedException} of the BlockingQueue signatures is never thrown); the
 * interrupt status is kept. Thread-safe: greenlets of several hubs and plain threads may share a queue;
 * non-waiting calls ({@code offer}, {@code poll}, {@code putNowait} on a non-full queue, {@code taskDone},
 * {@code shutdown}) may be made from hub callbacks.
 */
public class Queue<E> extends BaseQueue<E> {
    /** Creates an unbounded queue. */
    public Queue() {
        this(0);
    }

    /** Creates a queue holding at most {@code maxsize} items; {@code maxsize <= 0} means unbounded. */
    public Queue(int maxsize) {
        super(maxsize <= 0 ? Integer.MAX_VALUE : maxsize);
    }

    /** The maximum number of items, or 0 if unbounded (gevent's {@code maxsize} is None then). */
    public int maxsize() {
        return capacity == Integer.MAX_VALUE ? 0 : capacity;
    }

    /** Whether the queue holds {@code maxsize} items (never for an unbounded queue). */
    public boolean isFull() {
        synchronized (lock) {
            return storeSize() >= capacity;
        }
    }

    /** Puts {@code item}, waiting as long as needed for room. */
    @Override
    public void put(E item) {
        put0(item, Durations.FOREVER);
    }

    /**
     * Puts {@code item}, waiting at most {@code timeout} for room (null = no limit).
     *
     * @throws QueueFull if there was no room in time
     * @throws QueueShutDown if the queue is (or gets) shut down
     */
    public void put(E item, Duration timeout) {
        if (!put0(item, Durations.timeoutNanos(timeout, "timeout"))) {
            throw new QueueFull(getClass().getSimpleName() + " stayed full (maxsize " + maxsize() + ") for "
                    + timeout);
        }
    }

    /**
     * Puts {@code item} if there is room right now.
     *
     * @throws QueueFull if the queue is full
     */
    public void putNowait(E item) {
        if (!put0(item, 0)) {
            throw new QueueFull(getClass().getSimpleName() + " is full (maxsize " + maxsize() + ")");
        }
    }

    /**
     * Takes the next item, waiting as long as needed.
     *
     * @throws QueueShutDown if the queue is shut down and empty
     */
    @SuppressWarnings("unchecked")
    public E get() {
        return (E) get0(Durations.FOREVER);
    }

    /**
     * Takes the next item, waiting at most {@code timeout} (null = no limit).
     *
     * @throws QueueEmpty if no item came in time
     */
    @SuppressWarnings("unchecked")
    public E get(Duration timeout) {
        Object v = get0(Durations.timeoutNanos(timeout, "timeout"));
        if (v == NONE) {
            throw new QueueEmpty(getClass().getSimpleName() + " stayed empty for " + timeout);
        }
        return (E) v;
    }

    /**
     * Takes the next item if there is one right now.
     *
     * @throws QueueEmpty if the queue is empty
     */
    @SuppressWarnings("unchecked")
    public E getNowait() {
        Object v = get0(0);
        if (v == NONE) {
            throw new QueueEmpty(getClass().getSimpleName() + " is empty");
        }
        return (E) v;
    }

    /**
     * Returns the next item without taking it, waiting at most {@code timeout} (null = no limit) for one: gevent's
     * {@code peek}.
     *
     * @throws QueueEmpty if no item came in time
     */
    @SuppressWarnings("unchecked")
    public E peek(Duration timeout) {
        Object v = peek0(Durations.timeoutNanos(timeout, "timeout"));
        if (v == NONE) {
            throw new QueueEmpty(getClass().getSimpleName() + " stayed empty for " + timeout);
        }
        return (E) v;
    }

    /**
     * Returns the next item without taking it.
     *
     * @throws QueueEmpty if the queue is empty
     */
    @SuppressWarnings("unchecked")
    public E peekNowait() {
        Object v = peek0(0);
        if (v == NONE) {
            throw new QueueEmpty(getClass().getSimpleName() + " is empty");
        }
        return (E) v;
    }

    /**
     * Marks one item taken from the queue as processed (gevent's {@code task_done}). Never blocks.
     *
     * @throws IllegalStateException if called more times than items were put
     */
    public void taskDone() {
        taskDone0();
    }

    /** Waits until every item put has been marked done with {@link #taskDone()}. */
    public void join() {
        join0(Durations.FOREVER);
    }

    /**
     * Waits at most {@code timeout} (null = no limit) until every item put has been marked done.
     *
     * @return whether that happened in time
     */
    public boolean join(Duration timeout) {
        return join0(Durations.timeoutNanos(timeout, "timeout"));
    }

    /** The number of items put and not yet marked done. */
    public int unfinishedTasks() {
        synchronized (lock) {
            return unfinished;
        }
    }

    /** Same as {@link #shutdown(boolean) shutdown(false)}. */
    public void shutdown() {
        shutdown0(false);
    }

    /**
     * Shuts the queue down (gevent's and Python 3.13's {@code shutdown}): every later put, and every put blocked now,
     * raises {@link QueueShutDown}; gets still return the items left and then raise {@code QueueShutDown}. With
     * {@code immediate}, the items left are discarded (counting as done for {@link #join()}), and blocked gets raise
     * at once. Idempotent; never blocks.
     */
    public void shutdown(boolean immediate) {
        shutdown0(immediate);
    }

    /** Whether {@link #shutdown} was called. */
    public boolean isShutDown() {
        return isShutDown0();
    }

    /**
     * gevent's iteration over a queue: each {@code next()} takes an item with {@link #get()}, waiting for it, and
     * the iteration ends when the queue is shut down and empty. Each call returns a new single-pass view.
     */
    public Iterable<E> consume() {
        return () -> new Iterator<>() {
            private Object next = NONE;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (next != NONE) {
                    return true;
                }
                if (done) {
                    return false;
                }
                try {
                    next = get();
                    return true;
                } catch (QueueShutDown e) {
                    done = true;
                    return false;
                }
            }

            @Override
            @SuppressWarnings("unchecked")
            public E next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the queue is shut down and empty");
                }
                E e = (E) next;
                next = NONE;
                return e;
            }
        };
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return getClass().getSimpleName() + "[size=" + storeSize() + ", maxsize=" + maxsize() + ", getters="
                    + getters.size() + ", putters=" + putters.size() + (shutdown ? ", shut down" : "") + "]";
        }
    }
}
