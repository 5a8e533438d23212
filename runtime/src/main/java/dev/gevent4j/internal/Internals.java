package dev.gevent4j.internal;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import io.netty.channel.ManualIoEventLoop;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * The one seam between the core package {@code dev.gevent4j} and the code that needs its package-private parts: the
 * runtime's other packages (event, lock, queue, pool, io) and the agent's hooks. Everything crosses here, typed: the
 * one blocking primitive, hub timers, a start without the outside-spawn hold, and a hub's Netty loop for raw fd
 * registrations. Not API: it may change in any release.
 *
 * <pre>{@code
 * // a primitive of another package parks the caller through the runtime's one wait
 * boolean fired = Internals.await(() -> done, Durations.FOREVER, false, null, this);
 * }</pre>
 *
 * <p>The implementation is {@code dev.gevent4j.RuntimeHooks}, created by this class's static initializer (the JDK's
 * SharedSecrets pattern, turned round: nothing registers from outside). There is no way to replace it: application
 * code that calls this class gets the runtime's own behaviour, never a substitute. Thread contracts are those of the
 * methods below.
 */
public final class Internals {
    /*
     * Why no register(Hooks): a public registration method let any class replace the blocking primitive. The hooks
     * object is instead created here, reflectively (its class is package-private in dev.gevent4j), into a final
     * field. RuntimeHooks has no static initializer of its own, so this class's initialization never waits for
     * another class's, whichever thread gets here first.
     */

    /** What the runtime provides; see the static methods of {@link Internals} for the contracts. */
    public interface Hooks {
        boolean await(BooleanSupplier done, long timeoutNanos, boolean internal, Hub loopExitHub, Object blocker);

        void awaitReleasing(BooleanSupplier done, Runnable release, Object blocker);

        boolean sleepInterruptibly(long nanos, Object blocker);

        void addTimer(Hub hub, TimerQueue.Timer timer);

        void cancelTimer(Hub hub, TimerQueue.Timer timer);

        Hub hubOfCarrier(Executor scheduler);

        void startWithoutHold(Greenlet<?> greenlet);

        Greenlet<Void> newGreenletOn(dev.gevent4j.HubGroup group, Runnable fn);

        ManualIoEventLoop eventLoop(Hub hub);

        void ioRegistered(Hub hub, int delta);

        void timerWait(Hub hub, boolean started);

        void advanceVirtualClock(Hub hub, long nanos);

        void onEnd(Greenlet<?> greenlet, java.util.function.Consumer<Greenlet<?>> callback);
    }

    private static final Hooks HOOKS;

    /**
     * Calls {@code callback} with {@code greenlet} when it ends, on the thread that ends it: the greenlet's own
     * virtual thread, which may block there like any greenlet (rather than a link, which runs on the hub thread and
     * must not block); at once, on the caller, if it has already ended. For a greenlet killed before it started, or
     * abandoned by a closing hub, the killer's or the hub's thread. Any thread.
     */
    public static void onEnd(Greenlet<?> greenlet, java.util.function.Consumer<Greenlet<?>> callback) {
        HOOKS.onEnd(greenlet, callback);
    }

    static {
        try {
            var c = Class.forName("dev.gevent4j.RuntimeHooks", true, Internals.class.getClassLoader())
                    .getDeclaredConstructor();
            c.setAccessible(true);
            HOOKS = (Hooks) c.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Internals() {}

    /**
     * Parks the calling greenlet (or thread) until {@code done} is true, the timeout passes, or a kill, Timeout or
     * LoopExit is raised in it; see {@code dev.gevent4j.Waits}. In a greenlet the timeout is a timer on its hub.
     * {@code done} is re-evaluated on the waiting thread after every unpark, so wakers just set their state and
     * {@link java.util.concurrent.locks.LockSupport#unpark} the waiter. Any thread but a hub's own.
     *
     * @param timeoutNanos {@link Durations#FOREVER} or a timeout in nanoseconds
     * @param internal     true if only greenlets (of the waiter's hub) are expected to end the wait: such waits count
     *                     towards LoopExit detection
     * @param loopExitHub  for a waiter outside any hub: the hub whose greenlets must end the wait (it may then raise
     *                     LoopExit), or null
     * @return whether {@code done} became true (false: timed out)
     */
    public static boolean await(BooleanSupplier done, long timeoutNanos, boolean internal, Hub loopExitHub,
                                Object blocker) {
        return HOOKS.await(done, timeoutNanos, internal, loopExitHub, blocker);
    }

    /**
     * Sleeps {@code nanos} on the calling greenlet's hub clock as a timed gevent4j wait (on virtual time the clock may
     * jump past it); an interrupt ends it early and stays set; a kill or Timeout is raised. Returns false at once if
     * the caller is not a greenlet. For the agent's {@code Thread.sleep} of a greenlet on a virtual-time hub.
     */
    public static boolean sleepInterruptibly(long nanos, Object blocker) {
        return HOOKS.sleepInterruptibly(nanos, blocker);
    }

    /**
     * Parks the calling greenlet until {@code done} is true, for a waiter that holds something only its hub can give
     * back (an fd registration): a kill, Timeout or interrupt does not end the wait at once; it runs
     * {@code release} once (which MUST lead to {@code done}: typically a task posted to the hub), and the wait goes
     * on until {@code done}. Then a kill or Timeout is raised; an interrupt is kept as the interrupt status. No
     * timeout of its own (the caller's hub timer makes {@code done} true). MUST be called from a greenlet.
     */
    public static void awaitReleasing(BooleanSupplier done, Runnable release, Object blocker) {
        HOOKS.awaitReleasing(done, release, blocker);
    }

    /** Adds a timer to {@code hub}'s loop; its {@code fire()} runs on the hub thread. Any thread. */
    public static void addTimer(Hub hub, TimerQueue.Timer timer) {
        HOOKS.addTimer(hub, timer);
    }

    /** Removes a timer from {@code hub}'s loop if still pending. Any thread. */
    public static void cancelTimer(Hub hub, TimerQueue.Timer timer) {
        HOOKS.cancelTimer(hub, timer);
    }

    /**
     * On a hub's platform thread: that hub, if {@code scheduler} is its virtual-thread scheduler (the greenlet being
     * unmounted belongs to it); else null. For the agent's timer patch. Any thread.
     */
    public static Hub hubOfCarrier(Executor scheduler) {
        return HOOKS.hubOfCarrier(scheduler);
    }

    /**
     * Starts {@code greenlet} so that it runs as soon as its hub reaches it, without the hold that gevent4j's spawn
     * API applies to a spawner outside the hub (for the agent: an application {@code Thread.start()} runs
     * concurrently with its starter, as Java promises). Any thread.
     *
     * @throws IllegalStateException if the greenlet's hub is closed
     */
    public static void startWithoutHold(Greenlet<?> greenlet) {
        HOOKS.startWithoutHold(greenlet);
    }

    /**
     * Creates, without starting it, a greenlet running {@code fn} on the hub of {@code group} that its placement
     * policy picks, whoever the caller is (unlike {@code HubGroup.spawn}, a caller on one of the group's hubs does not
     * keep it on its own hub): for the agent's {@code hubs=N}, where every application thread is independent work.
     * The group counts it as load until {@code fn} returns. Start it with {@link #startWithoutHold}. Any thread.
     *
     * @throws IllegalStateException if the group is closed
     */
    public static Greenlet<Void> newGreenletOn(dev.gevent4j.HubGroup group, Runnable fn) {
        return HOOKS.newGreenletOn(group, fn);
    }

    /**
     * The hub's Netty loop, for registering a raw fd ({@code eventLoop(hub).register(handle)}) and for tasks that
     * must run on the hub thread even while it closes. Registrations MUST be made from the hub thread, and each MUST
     * be counted with {@link #ioRegistered} while it is active.
     */
    public static ManualIoEventLoop eventLoop(Hub hub) {
        return HOOKS.eventLoop(hub);
    }

    /**
     * Counts IO registrations ({@code +1} when one becomes active, {@code -1} when cancelled): while any is active
     * the hub has work and never raises LoopExit. MUST be called from the hub thread.
     */
    public static void ioRegistered(Hub hub, int delta) {
        HOOKS.ioRegistered(hub, delta);
    }

    /**
     * A greenlet of {@code hub} starts ({@code started}) or ends a wait that a timer of the hub ends at the latest,
     * outside gevent4j's own waits (for the agent: a timed JDK park, whose wake-up is a hub timer). On virtual time
     * the clock may jump to the next timer only while every greenlet is in such a wait or a gevent4j wait; each start
     * MUST be followed by exactly one end. MUST be called from the hub thread.
     */
    public static void timerWait(Hub hub, boolean started) {
        HOOKS.timerWait(hub, started);
    }

    /**
     * Moves a virtual-time hub's clock on by {@code nanos} of real time that its thread spent blocked outside its
     * loop (for the agent: a pinned greenlet parked the hub thread itself); no effect on a real-time hub. MUST be
     * called from the hub thread.
     */
    public static void advanceVirtualClock(Hub hub, long nanos) {
        HOOKS.advanceVirtualClock(hub, nanos);
    }
}
