package dev.gevent4j;

import dev.gevent4j.internal.Durations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The objects of a {@link Gevent#iwait} call, yielded as they become ready: gevent's {@code gevent.iwait}. Objects
 * may be {@link Greenlet}s (ready once dead) and {@link Waitable}s such as {@link dev.gevent4j.event.Event} and
 * {@link dev.gevent4j.event.AsyncResult}. Objects already ready come first, in the collection's order; the others in
 * the order they become ready. A single-pass iterator, and an {@link Iterable} returning itself for for-each loops.
 *
 * <pre>{@code
 * try (WaitIterator<Greenlet<?>> done = Gevent.iwait(greenlets, Duration.ofSeconds(5), 0)) {
 *     for (Greenlet<?> g : done) System.out.println(g + " finished");
 * }
 * }</pre>
 *
 * <p><b>Timeout, interrupt and kill.</b> When the overall timeout passes, or {@code count} objects were yielded, the
 * iteration simply ends (no exception). A kill or {@link Timeout} raised in the waiting greenlet propagates out of
 * {@code hasNext()}/{@code next()}. {@link Thread#interrupt()} does not end a wait. {@link #close()} unregisters
 * from the objects; the iteration closes itself when it ends.
 */
public final class WaitIterator<T> implements Iterator<T>, Iterable<T>, AutoCloseable {
    /*
     * Implementation note: each object's completion (a node on a greenlet's completion stack, or a Waitable's
     * notifier) appends it to a lock-free queue and unparks the iterating thread, which waits in Waits.await.
     */
    private static final Object BLOCKER = new Object();

    private final ConcurrentLinkedQueue<T> ready = new ConcurrentLinkedQueue<>();
    private final List<Runnable> cancels = new ArrayList<>();
    private final long deadline;
    private final boolean timed;
    private final int target;
    private final boolean internal;
    private final Hub loopExitHub;
    private volatile Thread waiter;
    private int yielded;
    private boolean closed;
    private boolean iteratorTaken;

    WaitIterator(Collection<? extends T> objects, long timeoutNanos, int count) {
        Objects.requireNonNull(objects, "objects");
        this.timed = timeoutNanos != Durations.FOREVER;
        this.deadline = timed ? Waits.now() + Math.min(timeoutNanos, Waits.MAX_TIMEOUT_NANOS) : 0;
        Set<Object> unique = Collections.newSetFromMap(new IdentityHashMap<>());
        Greenlet<?> cur = Greenlet.currentGreenlet();
        boolean allSameHubGreenlets = cur != null;
        Hub onlyHub = null;
        boolean allGreenletsOfOneHub = true;
        for (T o : objects) {
            Objects.requireNonNull(o, "objects contains null");
            if (o instanceof Greenlet<?> g) {
                if (g == cur) {
                    throw new IllegalStateException("iwait: the calling greenlet " + g + " cannot wait for itself");
                }
                if (g.isRoot()) {
                    throw new IllegalStateException("iwait: cannot wait for the root greenlet " + g);
                }
                if (cur != null && g.hub != cur.hub) {
                    allSameHubGreenlets = false;
                }
                if (onlyHub == null) {
                    onlyHub = g.hub;
                } else if (onlyHub != g.hub) {
                    allGreenletsOfOneHub = false;
                }
            } else if (o instanceof Waitable) {
                allSameHubGreenlets = false;
                allGreenletsOfOneHub = false;
            } else {
                throw new IllegalArgumentException("iwait: " + o + " (" + o.getClass().getName() + ") is neither a "
                        + "Greenlet nor a Waitable (Event, AsyncResult)");
            }
            unique.add(o);
        }
        int n = unique.size();
        this.target = count <= 0 || count > n ? n : count;
        this.internal = allSameHubGreenlets;
        this.loopExitHub = allGreenletsOfOneHub ? onlyHub : null;
        unique.clear();
        for (T o : objects) {
            if (!unique.add(o)) {
                continue;
            }
            if (o instanceof Greenlet<?> g) {
                Node<T> node = new Node<>(this, o);
                if (!g.addNode(node)) {
                    arrived(o);
                }
            } else {
                cancels.add(((Waitable) o).onReady(() -> arrived(o)));
            }
        }
    }

    private void arrived(T o) {
        ready.add(o);
        Thread t = waiter;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Returns this iterator; it can be iterated once. */
    @Override
    public Iterator<T> iterator() {
        if (iteratorTaken) {
            throw new IllegalStateException("a WaitIterator can be iterated once; call Gevent.iwait again");
        }
        iteratorTaken = true;
        return this;
    }

    /** Waits until an object is ready (true), or the timeout passed or {@code count} were yielded (false). */
    @Override
    public boolean hasNext() {
        if (closed) {
            return false;
        }
        if (yielded >= target) {
            close();
            return false;
        }
        if (!ready.isEmpty()) {
            return true;
        }
        long left = Durations.FOREVER;
        if (timed) {
            left = deadline - Waits.now();
            if (left <= 0) {
                close();
                return false;
            }
        }
        waiter = Thread.currentThread();
        if (!Waits.await(() -> !ready.isEmpty(), left, internal, loopExitHub, BLOCKER)) {
            close();
            return false;
        }
        return true;
    }

    /**
     * Waits for the next ready object and returns it.
     *
     * @throws NoSuchElementException if the timeout passed or {@code count} objects were yielded
     */
    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("iwait: no more objects (timeout passed or count reached)");
        }
        yielded++;
        return ready.poll();
    }

    /** Ends the iteration and unregisters from the objects. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Runnable c : cancels) {
            c.run();
        }
        cancels.clear();
    }

    private static final class Node<T> extends Greenlet.Node {
        private final WaitIterator<T> owner;
        private final T object;

        Node(WaitIterator<T> owner, T object) {
            this.owner = owner;
            this.object = object;
        }

        @Override
        void onDone(Greenlet<?> g) {
            owner.arrived(object);
        }
    }
}
