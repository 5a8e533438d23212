package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.agent.hooks.HubTimers;
import dev.gevent4j.internal.agent.hooks.KillPoints;
import dev.gevent4j.internal.agent.hooks.SocketWaits;
import dev.gevent4j.internal.agent.hooks.ThreadGreenlets;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import net.bytebuddy.asm.Advice;

/**
 * The advice inlined into JDK methods, one small static class per patched method. Each only calls a hook class of
 * the boot jar (dev.gevent4j.internal.agent.hooks) and, where the hook handled the call for a greenlet, skips the
 * JDK's original body. Stateless; the hooks never throw into JDK code except the exceptions the method declares and
 * the kill/Timeout they mean to raise.
 */
final class Advices {
    private Advices() {}

    /** {@code sun.nio.ch.Poller.poll(int fd, int event, long nanos, BooleanSupplier isOpen)}. */
    static final class PollerPoll {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.Argument(0) int fd, @Advice.Argument(1) int event,
                             @Advice.Argument(2) long nanos, @Advice.Argument(3) BooleanSupplier isOpen)
                throws IOException {
            return SocketWaits.poll(fd, event, nanos, isOpen);
        }
    }

    /** {@code sun.nio.ch.Poller.pollSelector(int fd, long nanos)}. */
    static final class PollerPollSelector {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.Argument(0) int fd, @Advice.Argument(1) long nanos) throws IOException {
            return SocketWaits.pollSelector(fd, nanos);
        }
    }

    /** {@code sun.nio.ch.Poller.stopPoll(int fd, int event)}: the original runs too (non-greenlet waiters). */
    static final class PollerStopPoll {
        @Advice.OnMethodEnter
        static void enter(@Advice.Argument(0) int fd, @Advice.Argument(1) int event) {
            SocketWaits.stopPoll(fd, event);
        }
    }

    /** {@code java.lang.VirtualThread.schedule(Runnable, long, TimeUnit)}. */
    static final class VirtualThreadSchedule {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static Future<?> enter(@Advice.FieldValue("scheduler") Executor scheduler,
                               @Advice.Argument(0) Runnable task, @Advice.Argument(1) long delay,
                               @Advice.Argument(2) TimeUnit unit) {
            return HubTimers.schedule(scheduler, task, delay, unit);
        }

        @Advice.OnMethodExit
        static void exit(@Advice.Enter Future<?> hubTimer,
                         @Advice.Return(readOnly = false) Future<?> result) {
            if (hubTimer != null) {
                result = hubTimer;
            }
        }
    }

    /** {@code java.lang.Thread.start()} (platform threads only: VirtualThread overrides it). */
    static final class ThreadStart {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.This Thread thread) {
            return ThreadGreenlets.start(thread);
        }
    }

    /** {@code java.lang.Thread.alive()}, behind the final {@code isAlive()}. */
    static final class ThreadAlive {
        @Advice.OnMethodExit
        static void exit(@Advice.This Thread thread, @Advice.Return(readOnly = false) boolean alive) {
            if (!alive && ThreadGreenlets.isAlive(thread)) {
                alive = true;
            }
        }
    }

    /** {@code java.lang.Thread.threadState()}, behind {@code getState()} and {@code join(Duration)}. */
    static final class ThreadState {
        @Advice.OnMethodExit
        static void exit(@Advice.This Thread thread, @Advice.Return(readOnly = false) Thread.State state) {
            if (state == Thread.State.NEW || state == Thread.State.TERMINATED) {
                Thread.State s = ThreadGreenlets.state(thread);
                if (s != null) {
                    state = s;
                }
            }
        }
    }

    /** {@code java.lang.Thread.interrupt()} of a thread that runs as a greenlet: interrupt the greenlet. */
    static final class ThreadInterrupt {
        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean enter(@Advice.This Thread thread) {
            return ThreadGreenlets.interrupt(thread);
        }
    }

    /**
     * Exit of a blocking JDK method that throws InterruptedException (Thread.sleepNanos, AQS interruptible acquires,
     * ConditionObject awaits): an interrupt that a pending kill/Timeout caused is replaced by that kill.
     */
    static final class RaiseKill {
        @Advice.OnMethodExit(onThrowable = InterruptedException.class)
        static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
            if (thrown instanceof InterruptedException) {
                Throwable kill = KillPoints.pendingKill();
                if (kill != null) {
                    thrown = kill;
                }
            }
        }
    }
}
