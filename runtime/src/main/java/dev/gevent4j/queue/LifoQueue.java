package dev.gevent4j.queue;

import java.util.ArrayDeque;

/**
 * A last-in first-out {@link Queue}: gevent's {@code gevent.queue.LifoQueue}. {@code get} returns the item put most
 * recently; everything else (bounds, FIFO service of blocked getters and putters, nowait errors, timeouts,
 * {@code taskDone}/{@code join}, shutdown) is as in {@link Queue}.
 *
 * <pre>{@code
 * LifoQueue<Integer> q = new LifoQueue<>();
 * q.put(1); q.put(2);
 * q.get();                 // 2
 * }</pre>
 *
 * <p>Timeout, interrupt and kill behave as described on {@link Queue}.
 */
public class LifoQueue<E> extends Queue<E> {
    private final ArrayDeque<E> stack = new ArrayDeque<>();

    /** Creates an unbounded LIFO queue. */
    public LifoQueue() {
        this(0);
    }

    /** Creates a LIFO queue holding at most {@code maxsize} items ({@code <= 0}: unbounded). */
    public LifoQueue(int maxsize) {
        super(maxsize);
    }

    @Override
    int storeSize() {
        return stack.size();
    }

    @Override
    void store(E e) {
        stack.addFirst(e);
    }

    @Override
    void storeFront(E e) {
        stack.addFirst(e);
    }

    @Override
    E unstore() {
        return stack.pollFirst();
    }

    @Override
    E storePeek() {
        return stack.peekFirst();
    }

    @Override
    Object[] storeToArray() {
        return stack.toArray();
    }

    @Override
    boolean storeRemove(Object o) {
        return stack.removeFirstOccurrence(o);
    }

    @Override
    void storeClear() {
        stack.clear();
    }
}
