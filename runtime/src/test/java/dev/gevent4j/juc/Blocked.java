package dev.gevent4j.juc;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;

/** Test support: wait (on a condition, bounded by the test's @Timeout) until a greenlet or thread is parked. */
public final class Blocked {
    private Blocked() {}

    /** Waits until {@code g} has started and is parked somewhere. */
    public static void await(Greenlet<?> g) {
        while (g.getThread() == null || !parked(g.getThread())) {
            pause();
        }
    }

    /** Waits until {@code t} is parked somewhere. */
    public static void await(Thread t) {
        while (!parked(t)) {
            pause();
        }
    }

    private static boolean parked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
    }

    private static void pause() {
        if (Hub.current() != null) {
            Gevent.sleep(0);
        } else {
            Thread.onSpinWait();
            Thread.yield();
        }
    }
}
