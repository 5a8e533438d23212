package dev.gevent4j;

import dev.gevent4j.internal.Strand;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * A hub's {@link LoopExit} detection: the threads outside the hub that wait (without timeout) on its greenlets, and
 * the judgement, made by the loop just before it would block, that nothing can ever end their waits.
 *
 * <pre>{@code
 * // outside the hub: main joins a greenlet that waits for an Event nobody will set
 * hub.spawn(() -> event.await()).join();   // raises LoopExit instead of hanging
 * }</pre>
 *
 * <p>The rule: the hub has no ready entry, no timer, no IO registration and no held start, and every live greenlet is
 * in an {@linkplain Strand#IN_WAIT_INTERNAL internal} wait (one that only the hub's own greenlets can end). Each
 * outside waiter judged then gets its own {@code LoopExit} and is unparked; the mark belongs to that one wait, so a
 * late mark never leaks into the thread's next wait. Greenlets parked in JDK waits never count as stuck: another
 * thread may legitimately wake them.
 *
 * <p>Thread contract: {@link #add} and {@link #remove} may be called from any thread; {@link #judged} and
 * {@link #check} MUST be called from the hub thread.
 */
final class LoopExitDetector {
    private final Hub hub;
    /** Threads outside this hub waiting (without timeout) on its greenlets; candidates for LoopExit. */
    private final Set<OutsideWait> outsideWaiters = ConcurrentHashMap.newKeySet();

    LoopExitDetector(Hub hub) {
        this.hub = hub;
    }

    /** A thread outside the hub starts an untimed wait on this hub's greenlets. Any thread. */
    void add(OutsideWait w) {
        outsideWaiters.add(w);
        hub.loop.wakeUp(); // so that the loop re-checks for LoopExit
    }

    /** The wait ended. Any thread. */
    void remove(OutsideWait w) {
        outsideWaiters.remove(w);
    }

    /** Whether any thread outside waits on the hub. Any thread. */
    boolean hasWaiters() {
        return !outsideWaiters.isEmpty();
    }

    /** The waiters registered now: the ones a later {@link #check} may judge. MUST be called from the hub thread. */
    OutsideWait[] judged() {
        return outsideWaiters.toArray(new OutsideWait[0]);
    }

    /**
     * Raises LoopExit in each of {@code judged} if every live greenlet waits internally and no start is held. The
     * caller has already found no ready entry, timer or IO registration. MUST be called from the hub thread.
     */
    void check(OutsideWait[] judged, HubLoop loop) {
        if (hub.outsideStarts.isHolding()) {
            return;
        }
        for (Greenlet<?> g = loop.liveHead(); g != null; g = g.liveNext) {
            if (g.strand.waitState() != Strand.IN_WAIT_INTERNAL) {
                return;
            }
        }
        for (OutsideWait w : judged) {
            w.loopExit(new LoopExit("this operation would block forever: hub " + hub.getName() + " has "
                    + loop.liveCount() + " greenlet(s), all waiting on each other, and no timers or IO that could wake"
                    + " them (waiting: " + w.describe() + "; " + outsideWaiters.size() + " outside waiter(s))"));
        }
    }

    /**
     * One untimed wait of a thread outside the hub. The hub marks it with a LoopExit when nothing can ever end the
     * wait; the mark belongs to this wait only, so it can never leak into the thread's next wait.
     */
    static final class OutsideWait {
        private final Thread thread;
        private final Object blocker;
        volatile LoopExit loopExit;

        OutsideWait(Thread thread, Object blocker) {
            this.thread = thread;
            this.blocker = blocker;
        }

        String describe() {
            return "thread " + thread.getName() + " on " + Dumps.describe(blocker);
        }

        void loopExit(LoopExit e) {
            loopExit = e;
            LockSupport.unpark(thread);
        }
    }
}
