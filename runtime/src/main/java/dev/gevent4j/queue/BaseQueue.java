package dev.gevent4j.queue;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.HubAffinity;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.WaitList;
import dev.gevent4j.internal.WaitNode;
import java.util.AbstractQueue;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The machinery shared by {@link Queue} (and its priority and LIFO variants) and {@link Channel}: storage bounded by a
 * capacity, FIFO lists of blocked getters and putters with direct hand-off, shutdown, and the unfinished-task count.
 */
abstract class BaseQueue<E> extends AbstractQueue<E> implements BlockingQueue<E> {
    /*
     * Implementation note: own code rather than ArrayBlockingQueue/LinkedBlockingQueue/SynchronousQueue, because
     * waits must go through Internals.await (hub timers for timeouts, kill/Timeout delivery, LoopExit accounting),
     * blocked getters and putters must be served strictly FIFO with direct hand-off (an item put while getters wait
     * goes to the longest waiter, never to a newcomer), and gevent's shutdown/join/peek semantics are needed.
     *
     * All state lives under `lock`, a private monitor held only for short non-blocking sections; waiters park
     * outside it (WaitList.await) and are woken after it is released. Invariants: putters wait only while the
     * storage is at capacity; getters wait only while the storage is empty and no putter waits.
     *
     * Storage hooks (store/unstore/...) are called under the lock; subclasses override them for other orders.
     */
    /** Handed to a waiter whose wait ended because the queue was shut down. */
    static final Object SHUT = new Object();
    /** Handed to a putter whose item was taken. */
    static final Object ACCEPTED = new Object();
    /** get0's "nothing" result. */
    static final Object NONE = new Object();

    final Object lock = new Object();
    final WaitList getters = new WaitList();
    final WaitList putters = new WaitList();
    final WaitList peekers = new WaitList();
    final WaitList joiners = new WaitList();
    final HubAffinity affinity = new HubAffinity();
    /** Maximum number of stored items: Integer.MAX_VALUE if unbounded, 0 for a rendezvous channel. */
    final int capacity;
    int unfinished;
    boolean shutdown;

    private final ArrayDeque<E> items = new ArrayDeque<>();

    BaseQueue(int capacity) {
        this.capacity = capacity;
    }

    // --- storage hooks (under lock); the default is FIFO ---

    int storeSize() {
        return items.size();
    }

    void store(E e) {
        items.addLast(e);
    }

    /** Puts back an item taken by a getter that was killed before it could return it. */
    void storeFront(E e) {
        items.addFirst(e);
    }

    E unstore() {
        return items.pollFirst();
    }

    E storePeek() {
        return items.peekFirst();
    }

    Object[] storeToArray() {
        return items.toArray();
    }

    boolean storeRemove(Object o) {
        return items.removeFirstOccurrence(o);
    }

    void storeClear() {
        items.clear();
    }

    /** Rejects an item the storage cannot hold; called before any state changes. */
    void validate(E e) {}

    // --- core operations ---

    static <E> E checkItem(E e) {
        if (e == null) {
            throw new NullPointerException("queue items cannot be null (java.util.concurrent.BlockingQueue's rule); "
                    + "wrap them, e.g. in Optional");
        }
        return e;
    }

    /**
     * Puts {@code e}, waiting at most {@code nanos} for room ({@link Durations#FOREVER}: no limit, 0: no wait).
     *
     * @return false if there was no room in time
     */
    boolean put0(E e, long nanos) {
        checkItem(e);
        validate(e);
        boolean internal = affinity.internalWait();
        WaitNode wake = null;
        WaitNode[] wakePeekers = null;
        WaitNode node;
        synchronized (lock) {
            if (shutdown) {
                throw new QueueShutDown("put on a shut-down " + getClass().getSimpleName());
            }
            WaitNode g = getters.poll();
            if (g != null) {
                g.fire(e);
                unfinished++;
                wake = g;
                node = null;
            } else if (storeSize() < capacity) {
                store(e);
                unfinished++;
                wakePeekers = peekers.fireAll(null);
                node = null;
            } else if (nanos == 0) {
                return false;
            } else {
                node = WaitNode.forCurrentThread(e);
                putters.add(node);
            }
        }
        if (node == null) {
            if (wake != null) {
                wake.wake();
            }
            WaitList.wakeAll(wakePeekers);
            return true;
        }
        // A putter killed after its item was accepted: the item stays put; the kill propagates.
        boolean ok = WaitList.await(lock, putters, node, nanos, internal, this, null);
        if (ok && node.item() == SHUT) {
            throw new QueueShutDown("the " + getClass().getSimpleName() + " was shut down while put waited for room");
        }
        return ok;
    }

    /**
     * Takes an item, waiting at most {@code nanos}.
     *
     * @return the item, or {@link #NONE} if none came in time
     */
    @SuppressWarnings("unchecked")
    Object get0(long nanos) {
        boolean internal = affinity.internalWait();
        WaitNode wake = null;
        WaitNode node;
        Object result;
        synchronized (lock) {
            if (storeSize() > 0) {
                result = unstore();
                wake = refillOne();
                node = null;
            } else if ((wake = putters.poll()) != null) {
                result = wake.offer();
                wake.fire(ACCEPTED);
                unfinished++;
                node = null;
            } else if (shutdown) {
                throw new QueueShutDown("get on a shut-down, empty " + getClass().getSimpleName());
            } else if (nanos == 0) {
                return NONE;
            } else {
                node = WaitNode.forCurrentThread(null);
                getters.add(node);
                result = null;
            }
        }
        if (node == null) {
            if (wake != null) {
                wake.wake();
            }
            return result;
        }
        if (!WaitList.await(lock, getters, node, nanos, internal, this, n -> giveBack(n.item()))) {
            return NONE;
        }
        Object v = node.item();
        if (v == SHUT) {
            throw new QueueShutDown("the " + getClass().getSimpleName() + " was shut down while get waited");
        }
        return v;
    }

    /** Moves the longest-waiting putter's item into the storage if there is room; returns it to wake. Under lock. */
    @SuppressWarnings("unchecked")
    private WaitNode refillOne() {
        if (storeSize() < capacity) {
            WaitNode p = putters.poll();
            if (p != null) {
                store((E) p.offer());
                unfinished++;
                p.fire(ACCEPTED);
                return p;
            }
        }
        return null;
    }

    /** Refills the storage from waiting putters after items were removed; returns the putters to wake. Under lock. */
    private List<WaitNode> refillAll() {
        List<WaitNode> woken = null;
        WaitNode p;
        while ((p = refillOne()) != null) {
            if (woken == null) {
                woken = new ArrayList<>();
            }
            woken.add(p);
        }
        return woken;
    }

    private static void wakeList(List<WaitNode> nodes) {
        if (nodes != null) {
            for (WaitNode n : nodes) {
                n.wake();
            }
        }
    }

    /** An item handed to a getter that was killed before returning it: to the next getter, or back to the front. */
    @SuppressWarnings("unchecked")
    private void giveBack(Object item) {
        if (item == SHUT) {
            return;
        }
        WaitNode wake;
        WaitNode[] wakePeekers = null;
        synchronized (lock) {
            wake = getters.poll();
            if (wake != null) {
                wake.fire(item);
            } else {
                storeFront((E) item);
                wakePeekers = peekers.fireAll(null);
            }
        }
        if (wake != null) {
            wake.wake();
        }
        WaitList.wakeAll(wakePeekers);
    }

    /**
     * Returns the next item without taking it, waiting at most {@code nanos} for one.
     *
     * @return the item, or {@link #NONE}
     */
    Object peek0(long nanos) {
        long deadline = nanos > 0 ? clock() + nanos : 0;
        boolean internal = affinity.internalWait();
        while (true) {
            WaitNode node;
            synchronized (lock) {
                if (storeSize() > 0) {
                    return storePeek();
                }
                if (shutdown) {
                    throw new QueueShutDown("peek on a shut-down, empty " + getClass().getSimpleName());
                }
                if (nanos == 0) {
                    return NONE;
                }
                node = WaitNode.forCurrentThread(null);
                peekers.add(node);
            }
            long left = nanos == Durations.FOREVER ? Durations.FOREVER : deadline - clock();
            if (left != Durations.FOREVER && left <= 0) {
                synchronized (lock) {
                    if (node.cancel()) {
                        peekers.remove(node);
                    }
                }
                return NONE;
            }
            if (!WaitList.await(lock, peekers, node, left, internal, this, null)) {
                return NONE;
            }
            // woken: an item was stored (or the queue was shut down); look again
        }
    }

    /** Marks one task done; wakes joiners when none is left. Under no lock. */
    void taskDone0() {
        affinity.touch();
        WaitNode[] fired = null;
        synchronized (lock) {
            if (unfinished <= 0) {
                throw new IllegalStateException("taskDone() called more times than items were put in the "
                        + getClass().getSimpleName() + "; call it once per item taken");
            }
            if (--unfinished == 0) {
                fired = joiners.fireAll(Boolean.TRUE);
            }
        }
        WaitList.wakeAll(fired);
    }

    /** Waits until the unfinished count is 0; returns false if the timeout passed. */
    boolean join0(long nanos) {
        boolean internal = affinity.internalWait();
        WaitNode node;
        synchronized (lock) {
            if (unfinished == 0) {
                return true;
            }
            if (nanos == 0) {
                return false;
            }
            node = WaitNode.forCurrentThread(null);
            joiners.add(node);
        }
        return WaitList.await(lock, joiners, node, nanos, internal, this, null);
    }

    /**
     * Shuts the queue down: see {@link Queue#shutdown(boolean)}.
     */
    void shutdown0(boolean immediate) {
        affinity.touch();
        WaitNode[][] fired = new WaitNode[4][];
        synchronized (lock) {
            shutdown = true;
            if (immediate) {
                int n = storeSize();
                storeClear();
                unfinished = Math.max(0, unfinished - n);
                if (unfinished == 0) {
                    fired[3] = joiners.fireAll(Boolean.TRUE);
                }
            }
            fired[0] = getters.fireAll(SHUT);
            fired[1] = putters.fireAll(SHUT);
            fired[2] = peekers.fireAll(SHUT);
        }
        for (WaitNode[] f : fired) {
            WaitList.wakeAll(f);
        }
    }

    boolean isShutDown0() {
        synchronized (lock) {
            return shutdown;
        }
    }

    // --- BlockingQueue ---

    /** Puts {@code e} if there is room right now; false otherwise. Never blocks. */
    @Override
    public boolean offer(E e) {
        return put0(e, 0);
    }

    /** Puts {@code e}, waiting at most the given time for room. Not interruptible (see the class comment). */
    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) {
        return put0(e, Math.max(0, unit.toNanos(timeout)));
    }

    /** Puts {@code e}, waiting as long as needed for room. Not interruptible. */
    @Override
    public void put(E e) {
        put0(e, Durations.FOREVER);
    }

    /** Takes the next item, waiting as long as needed; same as {@code get()}. Not interruptible. */
    @Override
    @SuppressWarnings("unchecked")
    public E take() {
        return (E) get0(Durations.FOREVER);
    }

    /** Takes the next item if there is one; null otherwise. Never blocks. */
    @Override
    @SuppressWarnings("unchecked")
    public E poll() {
        Object v = get0(0);
        return v == NONE ? null : (E) v;
    }

    /** Takes the next item, waiting at most the given time; null if none came. Not interruptible. */
    @Override
    @SuppressWarnings("unchecked")
    public E poll(long timeout, TimeUnit unit) {
        Object v = get0(Math.max(0, unit.toNanos(timeout)));
        return v == NONE ? null : (E) v;
    }

    /** The next item without taking it, or null if there is none. Never blocks. */
    @Override
    public E peek() {
        synchronized (lock) {
            return storePeek();
        }
    }

    @Override
    public int size() {
        synchronized (lock) {
            return storeSize();
        }
    }

    @Override
    public int remainingCapacity() {
        if (capacity == Integer.MAX_VALUE) {
            return Integer.MAX_VALUE;
        }
        synchronized (lock) {
            return Math.max(0, capacity - storeSize());
        }
    }

    @Override
    public boolean remove(Object o) {
        List<WaitNode> woken;
        synchronized (lock) {
            if (o == null || !storeRemove(o)) {
                return false;
            }
            woken = refillAll();
        }
        wakeList(woken);
        return true;
    }

    @Override
    public boolean contains(Object o) {
        if (o == null) {
            return false;
        }
        synchronized (lock) {
            for (Object x : storeToArray()) {
                if (o.equals(x)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void clear() {
        List<WaitNode> woken;
        synchronized (lock) {
            storeClear();
            woken = refillAll();
        }
        wakeList(woken);
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c, "c");
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        List<E> taken = new ArrayList<>();
        List<WaitNode> woken;
        synchronized (lock) {
            while (taken.size() < maxElements && storeSize() > 0) {
                taken.add(unstore());
            }
            woken = refillAll();
        }
        wakeList(woken);
        c.addAll(taken);
        return taken.size();
    }

    /**
     * A snapshot iterator over the stored items, in the order they would be taken (for a priority queue: heap
     * order). It does not take items; {@code remove()} removes the item from the queue.
     */
    @Override
    public Iterator<E> iterator() {
        Object[] snapshot;
        synchronized (lock) {
            snapshot = storeToArray();
        }
        return new Iterator<>() {
            int i;
            int last = -1;

            @Override
            public boolean hasNext() {
                return i < snapshot.length;
            }

            @Override
            @SuppressWarnings("unchecked")
            public E next() {
                if (i >= snapshot.length) {
                    throw new java.util.NoSuchElementException();
                }
                last = i;
                return (E) snapshot[i++];
            }

            @Override
            public void remove() {
                if (last < 0) {
                    throw new IllegalStateException("next() was not called");
                }
                BaseQueue.this.remove(snapshot[last]);
                last = -1;
            }
        };
    }

    @Override
    public Object[] toArray() {
        synchronized (lock) {
            return storeToArray();
        }
    }

    /** The clock of the caller's timeouts: its hub's ({@link Hub#nanoTime()}, virtual time included), else nanoTime. */
    private static long clock() {
        Hub h = Hub.current();
        return h == null ? System.nanoTime() : h.nanoTime();
    }
}
