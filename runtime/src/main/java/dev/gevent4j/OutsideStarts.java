package dev.gevent4j;

import dev.gevent4j.internal.Strand;
import dev.gevent4j.internal.TimerQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A hub's hold on greenlets spawned from outside it: so that {@code spawn(A); spawn(B)} from {@code main} behaves as
 * in gevent (nothing runs until the spawner blocks), such starts are held until the spawning thread blocks (in a
 * gevent4j wait, or anywhere else, checked every millisecond), or at most {@link #MAX_HOLD_NANOS}, and then all start
 * together in spawn order.
 *
 * <pre>{@code
 * Greenlet<?> a = Gevent.spawn(() -> print("a"));   // from main: held
 * Greenlet<?> b = Gevent.spawn(() -> print("b"));   // held
 * a.join();                                          // main blocks: a, then b, start
 * }</pre>
 *
 * <p>Only gevent4j's own spawn API holds a start; an application {@code Thread.start()} that the agent turned into a
 * greenlet starts at once, as Java promises for a started thread. Nothing here waits or raises: timeout, interrupt and
 * kill do not apply. Thread contract: {@link #hold} and {@link #flush} may be called from any thread; the rest MUST
 * be called from the hub thread.
 */
final class OutsideStarts {
    /** How often the hub checks whether the spawner of held greenlets has blocked. */
    static final long CHECK_NANOS = 1_000_000;
    /** ... unless its spawner keeps running without blocking for this long. */
    static final long MAX_HOLD_NANOS = 50_000_000;

    private final Hub hub;
    private volatile Thread lastSpawner;
    /** The pending backstop check, if any. Hub-confined. */
    private TimerQueue.Timer pendingCheck;
    private final ConcurrentLinkedQueue<Thread> deferredStarts = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();

    OutsideStarts(Hub hub) {
        this.hub = hub;
    }

    /**
     * Holds the start of a greenlet's thread spawned by a caller outside the hub, until the caller blocks. Any
     * thread.
     */
    void hold(Thread t) {
        deferredStarts.add(t);
        Greenlet<?> g = Greenlet.currentGreenlet();
        Strand s = g != null ? g.strand : Strand.outside();
        s.noteDeferredTo(hub);
        lastSpawner = Thread.currentThread();
        armDeferredCheck();
    }

    /*
     * The hold's protocol (any thread adds; only the hub thread starts). `flushScheduled` is true from the moment a
     * spawner arms a check until that check has run or a flush removed it; while it is true no spawner arms another.
     * Whoever clears the flag (the check at its end, or a flush on the hub) re-reads the queue afterwards and arms a
     * new check if a start slipped in meanwhile, so a held start always has a check coming: no start is held forever.
     * An extra check (armed while an older one is still in flight) only finds the queue empty and ends.
     */

    /** Makes sure a check is coming for the held starts. Any thread. */
    private void armDeferredCheck() {
        if (!flushScheduled.get() && flushScheduled.compareAndSet(false, true)) {
            DeferredStartCheck check = new DeferredStartCheck(System.nanoTime());
            if (hub.inHub()) {
                addDeferredCheck(check);
            } else {
                hub.loop.post(() -> addDeferredCheck(check));
            }
        }
    }

    /** MUST be called on the hub. */
    private void addDeferredCheck(DeferredStartCheck check) {
        pendingCheck = check;
        hub.loop.timers().add(check);
    }

    /** MUST be called on the hub, after the held starts were taken: clears the flag, then re-arms if needed. */
    private void deferredChecked() {
        flushScheduled.set(false);
        if (!deferredStarts.isEmpty()) {
            armDeferredCheck();
        }
    }

    /**
     * The backstop for a spawner that never blocks in a gevent4j wait: every millisecond, start the deferred
     * greenlets once the spawner is no longer runnable (it blocked somewhere else, or ended), or at the latest after
     * {@link #MAX_HOLD_NANOS}.
     */
    private final class DeferredStartCheck extends TimerQueue.Timer {
        private final long since;

        DeferredStartCheck(long since) {
            super(hub.loop.now() + CHECK_NANOS);
            this.since = since;
        }

        @Override
        public void fire() {
            if (pendingCheck == this) {
                pendingCheck = null;
            }
            if (!deferredStarts.isEmpty()) {
                Thread spawner = lastSpawner;
                if (!hub.isClosed() && spawner != null && spawner.getState() == Thread.State.RUNNABLE
                        && System.nanoTime() - since < MAX_HOLD_NANOS) {
                    addDeferredCheck(new DeferredStartCheck(since)); // the flag stays set: this check goes on
                    return;
                }
                startDeferred();
            }
            deferredChecked();
        }
    }

    /** Starts every held greenlet, in spawn order (the spawner blocks, or the hub closes). Any thread. */
    void flush() {
        if (deferredStarts.isEmpty()) {
            return;
        }
        if (!hub.inHub()) {
            hub.loop.post(this::flush);
            return;
        }
        startDeferred();
        if (pendingCheck != null) {
            hub.loop.timers().remove(pendingCheck); // the spawner blocked: no need to check on it any more
            pendingCheck = null;
            deferredChecked();
        }
    }

    /** MUST be called on the hub. */
    private void startDeferred() {
        Thread t;
        while ((t = deferredStarts.poll()) != null) {
            hub.loop.startInOrder(t); // in spawn order, also when a task posted to the loop flushes them
        }
    }

    /** Whether any start is held. Any thread. */
    boolean isHolding() {
        return !deferredStarts.isEmpty();
    }

    /** Number of greenlet starts held until their spawner blocks. Any thread; O(n). */
    int heldCount() {
        return deferredStarts.size();
    }
}
