package dev.gevent4j.internal;

import java.util.function.BooleanSupplier;

/**
 * The runtime's hooks for gevent4j's own packages (event, lock, queue, pool, io, the agent's bootstrap classes):
 * the one blocking primitive, the current strand, and hub timers. Not API: it may change in any release.
 *
 * <p>Registered by {@code dev.gevent4j.Gevent}'s static initializer (the JDK's SharedSecrets pattern), so that the
 * blocking primitive can stay package-private in {@code dev.gevent4j}.
 */
public final class Internals {
    /** What the runtime provides; see the static methods for the contracts. */
    public interface Hooks {
        boolean await(BooleanSupplier done, long timeoutNanos, boolean internal, Object loopExitHub, Object blocker);

        Strand currentStrand();

        Object currentHub();

        void addTimer(Object hub, TimerQueue.Timer timer);

        void cancelTimer(Object hub, TimerQueue.Timer timer);

        Object hubOfCarrier(java.util.concurrent.Executor scheduler);

        void startWithoutHold(dev.gevent4j.Greenlet<?> greenlet);
    }

    /** {@link #await}'s timeout meaning "no limit". */
    public static final long FOREVER = -1;

    private static volatile Hooks hooks;

    private Internals() {}

    /** Called once by the runtime. */
    public static void register(Hooks h) {
        hooks = h;
    }

    private static Hooks hooks() {
        Hooks h = hooks;
        if (h == null) {
            try {
                Class.forName("dev.gevent4j.Gevent", true, Internals.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            h = hooks;
        }
        return h;
    }

    /**
     * Parks the calling greenlet (or thread) until {@code done} is true, the timeout passes, or a kill, Timeout or
     * LoopExit is raised in it; see {@code dev.gevent4j.Waits}. In a greenlet the timeout is a timer on its hub.
     * {@code done} is re-evaluated on the waiting thread after every unpark, so wakers just set their state and
     * {@link java.util.concurrent.locks.LockSupport#unpark} the waiter.
     *
     * @param timeoutNanos {@link #FOREVER} or a timeout in nanoseconds
     * @param internal     true if only greenlets (of the waiter's hub) are expected to end the wait: such waits count
     *                     towards LoopExit detection
     * @param loopExitHub  for a waiter outside any hub: the {@code Hub} whose greenlets must end the wait (it may
     *                     then raise LoopExit), or null
     * @return whether {@code done} became true (false: timed out)
     */
    public static boolean await(BooleanSupplier done, long timeoutNanos, boolean internal, Object loopExitHub,
                                Object blocker) {
        return hooks().await(done, timeoutNanos, internal, loopExitHub, blocker);
    }

    /** The calling greenlet's strand, or the calling thread's outside strand. */
    public static Strand currentStrand() {
        return hooks().currentStrand();
    }

    /** The calling greenlet's {@code Hub}, or null outside any greenlet. */
    public static Object currentHub() {
        return hooks().currentHub();
    }

    /** Adds a timer to {@code hub}'s loop; its {@code fire()} runs on the hub thread. Any thread. */
    public static void addTimer(Object hub, TimerQueue.Timer timer) {
        hooks().addTimer(hub, timer);
    }

    /**
     * On a hub's platform thread: that hub, if {@code scheduler} is its virtual-thread scheduler (the greenlet being
     * unmounted belongs to it); else null. For the agent's timer patch.
     */
    public static Object hubOfCarrier(java.util.concurrent.Executor scheduler) {
        return hooks().hubOfCarrier(scheduler);
    }

    /** Removes a timer from {@code hub}'s loop if still pending. Any thread. */
    public static void cancelTimer(Object hub, TimerQueue.Timer timer) {
        hooks().cancelTimer(hub, timer);
    }

    /**
     * Starts {@code greenlet} so that it runs as soon as its hub reaches it, without the hold that gevent4j's spawn
     * API applies to a spawner outside the hub (for the agent: an application {@code Thread.start()} runs
     * concurrently with its starter, as Java promises). Any thread.
     *
     * @throws IllegalStateException if the greenlet's hub is closed
     */
    public static void startWithoutHold(dev.gevent4j.Greenlet<?> greenlet) {
        hooks().startWithoutHold(greenlet);
    }
}
