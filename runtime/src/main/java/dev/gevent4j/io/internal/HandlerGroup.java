package dev.gevent4j.io.internal;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.WaitList;
import dev.gevent4j.internal.WaitNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The greenlets a server runs its handlers in: a bounded count (the server's accept loop waits for room), and a
 * graceful stop (wait up to a grace period, then kill what is left). Not API.
 *
 * <p>Thread contract: {@link #spawn} and {@link #awaitRoom} MUST be called from a greenlet of the server's hub;
 * {@link #stop} and the counters from any thread.
 */
public final class HandlerGroup {
    private static final System.Logger LOG = System.getLogger("dev.gevent4j.io");

    private final int max;
    private final dev.gevent4j.pool.Pool pool;
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Greenlet<?>> live = ConcurrentHashMap.newKeySet();
    /** The accept loop(s) waiting for room. Guarded by itself; held for short, non-blocking sections only. */
    private final WaitList roomWaiters = new WaitList();
    private volatile boolean closed;

    /** At most {@code max} handlers; spawned into {@code pool} (which may bound them further) if not null. */
    public HandlerGroup(int max, dev.gevent4j.pool.Pool pool) {
        this.max = max;
        this.pool = pool;
    }

    /** Number of handlers running now. */
    public int active() {
        return active.get();
    }

    /** Waits until fewer than the maximum handlers run, or {@link #close} is called; returns false if closed. */
    public boolean awaitRoom() {
        if (pool != null && pool.isFull()) {
            pool.awaitAvailable(null);
        }
        while (!closed && active.get() >= max) {
            WaitNode n = WaitNode.forCurrentThread(null);
            synchronized (roomWaiters) {
                if (closed || active.get() < max) {
                    break;
                }
                roomWaiters.add(n);
            }
            WaitList.await(roomWaiters, roomWaiters, n, Durations.FOREVER, false, this, null);
        }
        return !closed;
    }

    /** Runs {@code body} in a new greenlet on the current hub, counted until it ends. */
    public Greenlet<Void> spawn(Runnable body) {
        active.incrementAndGet();
        Runnable wrapped = () -> {
            try {
                body.run();
            } finally {
                live.remove(Gevent.getCurrent());
                active.decrementAndGet();
                wakeOne();
            }
        };
        Greenlet<Void> g = pool != null ? pool.spawn(wrapped) : Gevent.spawn(wrapped);
        if (!g.isDead()) {
            live.add(g);
        }
        return g;
    }

    /** A handler ended: the longest waiter of {@link #awaitRoom} re-checks for room. Any thread. */
    private void wakeOne() {
        WaitNode n;
        synchronized (roomWaiters) {
            n = roomWaiters.poll();
            if (n != null && !n.fire(null)) {
                n = null;
            }
        }
        if (n != null) {
            n.wake();
        }
    }

    /** Wakes the waiters of {@link #awaitRoom} for good. Any thread. */
    public void close() {
        closed = true;
        WaitNode[] fired;
        synchronized (roomWaiters) {
            fired = roomWaiters.fireAll(null);
        }
        WaitList.wakeAll(fired);
    }

    /**
     * Waits up to {@code grace} for the running handlers to end, then kills the rest and waits up to
     * {@code killWait} for them to unwind. The calling greenlet (a handler stopping its own server) is skipped.
     * Any thread.
     */
    public void stop(Duration grace, Duration killWait, String what) {
        close();
        List<Greenlet<?>> handlers = snapshot();
        if (handlers.isEmpty()) {
            return;
        }
        if (!grace.isZero()) {
            Gevent.joinAll(handlers, grace);
        }
        handlers = snapshot();
        if (handlers.isEmpty()) {
            return;
        }
        Gevent.killAll(handlers, new GreenletExit(what + " stopped"), killWait);
        int left = 0;
        for (Greenlet<?> g : handlers) {
            if (!g.isDead()) {
                left++;
            }
        }
        if (left > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} handler(s) did not end within {2} after kill", what, left,
                    killWait);
        }
    }

    private List<Greenlet<?>> snapshot() {
        Greenlet<?> self = Gevent.getCurrent();
        List<Greenlet<?>> l = new ArrayList<>();
        for (Greenlet<?> g : live) {
            if (g != self && !g.isDead()) {
                l.add(g);
            }
        }
        return l;
    }
}
