package dev.gevent4j.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * A first-in first-out list of {@link WaitNode}s, and the one way gevent4j's primitives park on it. Not API.
 *
 * <p>Every method except {@link #await} MUST be called holding the owning primitive's lock (the {@code lock} object
 * passed to {@code await}); that lock is only ever held for short, non-blocking sections, never across a park.
 */
public final class WaitList {
    /*
     * Implementation note: a plain ArrayDeque under the owner's monitor. Cancelled nodes are removed eagerly (O(n),
     * n = number of waiters, which is small in practice); the head is therefore always a waiting node, so a waker
     * never has to skip dead entries.
     */
    private final ArrayDeque<WaitNode> nodes = new ArrayDeque<>();

    public boolean isEmpty() {
        return nodes.isEmpty();
    }

    public int size() {
        return nodes.size();
    }

    public void add(WaitNode n) {
        nodes.addLast(n);
    }

    /** Removes and returns the longest-waiting node, or null. */
    public WaitNode poll() {
        return nodes.pollFirst();
    }

    /** The longest-waiting node, or null. */
    public WaitNode peek() {
        return nodes.peekFirst();
    }

    public boolean remove(WaitNode n) {
        return nodes.remove(n);
    }

    public Iterator<WaitNode> iterator() {
        return nodes.iterator();
    }

    /**
     * Fires every node with {@code item} and empties the list; returns the fired nodes in waiting order, to be
     * {@linkplain #wakeAll woken} after the lock is released (null if there were none).
     */
    public WaitNode[] fireAll(Object item) {
        if (nodes.isEmpty()) {
            return null;
        }
        WaitNode[] out = new WaitNode[nodes.size()];
        int i = 0;
        WaitNode n;
        while ((n = nodes.pollFirst()) != null) {
            if (n.fire(item)) {
                out[i++] = n;
            }
        }
        return out;
    }

    /**
     * What un-registers {@code node} (a notifier added to {@code list} under {@code lock}): it cancels the node and
     * removes it, under {@code lock}, unless it was fired first. Any thread; idempotent.
     */
    public static Runnable remover(Object lock, WaitList list, WaitNode node) {
        return () -> {
            synchronized (lock) {
                if (node.cancel()) {
                    list.remove(node);
                }
            }
        };
    }

    /** Wakes nodes returned by {@link #fireAll}, in order. Call without holding the lock. */
    public static void wakeAll(WaitNode[] fired) {
        if (fired != null) {
            for (WaitNode n : fired) {
                if (n != null) {
                    n.wake();
                }
            }
        }
    }

    /**
     * Parks the caller until {@code done} holds: if it does not yet (checked under {@code lock}), adds a node for
     * the caller to {@code list} and waits for it to be fired, as {@link #await} (nothing is handed over). The waker
     * makes {@code done} true and fires the list under {@code lock}.
     *
     * @return true if {@code done} held or the node was fired, false if the timeout passed
     */
    public static boolean awaitUnless(Object lock, WaitList list, java.util.function.BooleanSupplier done,
                                      long timeoutNanos, boolean internal, Object blocker) {
        WaitNode node = WaitNode.forCurrentThread(null);
        synchronized (lock) {
            if (done.getAsBoolean()) {
                return true;
            }
            list.add(node);
        }
        return await(lock, list, node, timeoutNanos, internal, blocker, null);
    }

    /**
     * Parks the caller until {@code node} (already added to {@code list} under {@code lock}) is fired, the timeout
     * passes, or a kill or Timeout is raised in it.
     *
     * <p>On timeout the node is cancelled and removed under {@code lock}; if it was fired meanwhile the wait counts
     * as successful. If a kill or Timeout is raised after the node was fired, {@code onLostHandoff} is called with it
     * (under no lock) so the primitive can give back what was handed over (a permit, an element), and the
     * throwable propagates.
     *
     * @param timeoutNanos {@link Durations#FOREVER}, or nanoseconds (0 = do not wait)
     * @param internal     whether the wait counts towards LoopExit detection (see {@link HubAffinity})
     * @return true if the node was fired, false if the timeout passed
     */
    public static boolean await(Object lock, WaitList list, WaitNode node, long timeoutNanos, boolean internal,
                                Object blocker, Consumer<WaitNode> onLostHandoff) {
        boolean fired;
        try {
            fired = Internals.await(node, timeoutNanos, internal, null, blocker); // the node is its own condition
        } catch (Throwable t) {
            boolean cancelled;
            synchronized (lock) {
                cancelled = node.cancel();
                if (cancelled) {
                    list.remove(node);
                }
            }
            if (!cancelled && onLostHandoff != null) {
                onLostHandoff.accept(node);
            }
            throw t;
        }
        if (fired) {
            return true;
        }
        synchronized (lock) {
            if (node.cancel()) {
                list.remove(node);
                return false;
            }
        }
        return true; // fired between the timeout and the cancel
    }
}
