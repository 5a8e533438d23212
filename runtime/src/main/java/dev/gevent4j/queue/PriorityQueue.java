package dev.gevent4j.queue;

import java.util.Comparator;

/**
 * A {@link Queue} that returns the smallest item first: gevent's {@code gevent.queue.PriorityQueue}. Items are
 * ordered by their natural order or by a {@link Comparator}; everything else (bounds, FIFO service of blocked getters
 * and putters, nowait errors, timeouts, {@code taskDone}/{@code join}, shutdown) is as in {@link Queue}. Iteration
 * order is the heap's, not sorted.
 *
 * <pre>{@code
 * PriorityQueue<Integer> q = new PriorityQueue<>();
 * q.put(3); q.put(1); q.put(2);
 * q.get();                 // 1
 * }</pre>
 *
 * <p>Items without a natural order and without a comparator make {@code put} raise {@link ClassCastException}, even when a getter
 * is waiting.
 * Timeout, interrupt and kill behave as described on {@link Queue}.
 */
public class PriorityQueue<E> extends Queue<E> {
    /* Implementation note: a java.util.PriorityQueue (binary heap) under the queue's lock. */
    private final java.util.PriorityQueue<E> heap;

    /** Creates an unbounded priority queue with natural ordering. */
    public PriorityQueue() {
        this(0, null);
    }

    /** Creates a priority queue holding at most {@code maxsize} items ({@code <= 0}: unbounded), natural order. */
    public PriorityQueue(int maxsize) {
        this(maxsize, null);
    }

    /** Creates a priority queue ordered by {@code comparator} (null: natural order). */
    public PriorityQueue(int maxsize, Comparator<? super E> comparator) {
        super(maxsize);
        this.heap = new java.util.PriorityQueue<>(comparator);
    }

    /** The comparator, or null for natural ordering. */
    public Comparator<? super E> comparator() {
        return heap.comparator();
    }

    @Override
    void validate(E e) {
        if (heap.comparator() == null && !(e instanceof Comparable)) {
            throw new ClassCastException("PriorityQueue without a comparator needs Comparable items; "
                    + e.getClass().getName() + " is not Comparable (pass a Comparator to the constructor)");
        }
    }

    @Override
    int storeSize() {
        return heap.size();
    }

    @Override
    void store(E e) {
        heap.add(e);
    }

    @Override
    void storeFront(E e) {
        heap.add(e);
    }

    @Override
    E unstore() {
        return heap.poll();
    }

    @Override
    E storePeek() {
        return heap.peek();
    }

    @Override
    Object[] storeToArray() {
        return heap.toArray();
    }

    @Override
    boolean storeRemove(Object o) {
        return heap.remove(o);
    }

    @Override
    void storeClear() {
        heap.clear();
    }
}
