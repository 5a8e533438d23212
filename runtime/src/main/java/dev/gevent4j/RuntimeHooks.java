package dev.gevent4j;

import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.TimerQueue;
import io.netty.channel.ManualIoEventLoop;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * The runtime's side of {@link Internals}: each method hands the call to the package-private part of
 * {@code dev.gevent4j} that owns it. Created once, reflectively, by {@code Internals}' static initializer; it has no
 * state and no static initializer (see there why). Thread contracts: those documented on {@link Internals}.
 *
 * <pre>{@code
 * Internals.eventLoop(hub)   // -> hub.loop.eventLoop(), for the agent's fd registrations
 * }</pre>
 */
final class RuntimeHooks implements Internals.Hooks {
    private RuntimeHooks() {}

    @Override
    public boolean await(BooleanSupplier done, long timeoutNanos, boolean internal, Hub loopExitHub, Object blocker) {
        return Waits.await(done, timeoutNanos, internal, loopExitHub, blocker);
    }

    @Override
    public void onEnd(Greenlet<?> greenlet, java.util.function.Consumer<Greenlet<?>> callback) {
        greenlet.onEnd(callback);
    }

    @Override
    public boolean sleepInterruptibly(long nanos, Object blocker) {
        return Waits.sleepInterruptibly(nanos, blocker);
    }

    @Override
    public void awaitReleasing(BooleanSupplier done, Runnable release, Object blocker) {
        Waits.awaitReleasing(done, release, blocker);
    }

    @Override
    public void addTimer(Hub hub, TimerQueue.Timer timer) {
        hub.schedule(timer);
    }

    @Override
    public void cancelTimer(Hub hub, TimerQueue.Timer timer) {
        hub.cancel(timer);
    }

    @Override
    public Hub hubOfCarrier(Executor scheduler) {
        return Hub.ofCarrier(scheduler);
    }

    @Override
    public void startWithoutHold(Greenlet<?> g) {
        g.start(false);
    }

    @Override
    public Greenlet<Void> newGreenletOn(HubGroup group, Runnable fn) {
        return group.newPlaced(fn);
    }

    @Override
    public ManualIoEventLoop eventLoop(Hub hub) {
        return hub.loop.eventLoop();
    }

    @Override
    public void ioRegistered(Hub hub, int delta) {
        hub.loop.ioRegistered(delta);
    }

    @Override
    public void timerWait(Hub hub, boolean started) {
        if (started) {
            hub.loop.waitStarted(false);
        } else {
            hub.loop.waitEnded(false);
        }
    }

    @Override
    public void advanceVirtualClock(Hub hub, long nanos) {
        hub.loop.advanceClock(nanos);
    }
}
