package dev.gevent4j.internal;

import java.util.Arrays;

/**
 * A binary min-heap of {@link Timer}s ordered by deadline, then by insertion order, so that timers with the same
 * deadline fire first-in first-out. Each timer remembers its heap index, so cancellation is O(log n).
 *
 * <p>Not thread-safe: MUST be used only from the hub thread (or a greenlet mounted on it).
 */
public final class TimerQueue {
    private Timer[] heap = new Timer[64];
    private int size;
    /** Insertion counter; an int that may wrap (see {@link #less}). */
    private int seq;

    /** Number of pending timers. */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code t}; it must not already be queued. */
    public void add(Timer t) {
        if (t.index >= 0) {
            throw new IllegalStateException("timer already queued");
        }
        t.seq = seq++;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = t;
        t.index = size;
        size++;
        siftUp(t.index);
    }

    /** Removes {@code t} if it is queued; returns whether it was. */
    public boolean remove(Timer t) {
        int i = t.index;
        if (i < 0 || i >= size || heap[i] != t) {
            return false;
        }
        size--;
        Timer last = heap[size];
        heap[size] = null;
        t.index = -1;
        if (i != size) {
            heap[i] = last;
            last.index = i;
            siftDown(i);
            siftUp(last.index);
        }
        return true;
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} when empty. */
    public long nextDeadline() {
        return size == 0 ? Long.MAX_VALUE : heap[0].deadline;
    }

    /** Removes and returns the earliest timer whose deadline is {@code <= now}, or null. */
    public Timer pollDue(long now) {
        if (size == 0 || heap[0].deadline - now > 0) {
            return null;
        }
        Timer t = heap[0];
        remove(t);
        return t;
    }

    /**
     * Deadline order, then insertion order. The insertion counter is an int (a timer is 32 bytes with it, and every
     * greenlet in a timed wait holds one) compared wrap-safely, so two timers with the same deadline keep their
     * insertion order as long as fewer than 2^31 timers were added between them.
     */
    private boolean less(Timer a, Timer b) {
        long d = a.deadline - b.deadline;
        return d < 0 || (d == 0 && a.seq - b.seq < 0);
    }

    private void siftUp(int i) {
        Timer t = heap[i];
        while (i > 0) {
            int p = (i - 1) >>> 1;
            Timer parent = heap[p];
            if (!less(t, parent)) {
                break;
            }
            heap[i] = parent;
            parent.index = i;
            i = p;
        }
        heap[i] = t;
        t.index = i;
    }

    private void siftDown(int i) {
        Timer t = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            int r = c + 1;
            if (r < size && less(heap[r], heap[c])) {
                c = r;
            }
            if (!less(heap[c], t)) {
                break;
            }
            heap[i] = heap[c];
            heap[i].index = i;
            i = c;
        }
        heap[i] = t;
        t.index = i;
    }

    /** An entry: a deadline on {@link System#nanoTime()}'s clock and the action to run on the hub thread. */
    public abstract static class Timer {
        long deadline;
        int seq;
        int index = -1;

        protected Timer(long deadlineNanos) {
            this.deadline = deadlineNanos;
        }

        public final long deadlineNanos() {
            return deadline;
        }

        public final boolean isQueued() {
            return index >= 0;
        }

        /** Moves the deadline {@code nanos} later; only before the timer is queued (a seeded hub's jitter). */
        public final void delayBy(long nanos) {
            if (index >= 0) {
                throw new IllegalStateException("timer already queued");
            }
            deadline += nanos;
        }

        /** Runs on the hub thread when the deadline has passed. */
        public abstract void fire();

        /**
         * Whether the timer was cancelled before it was queued: a timer added from another thread is queued by a task
         * on the hub, which skips it then. False unless overridden.
         */
        public boolean isCancelled() {
            return false;
        }
    }
}
