package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.internal.Strand;
import java.util.Iterator;
import java.util.concurrent.Phaser;
import java.util.concurrent.locks.Condition;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Kill and {@code Timeout} at the JDK's uninterruptible waits (agent option {@code park}): {@code Lock.lock()},
 * {@code Semaphore.acquireUninterruptibly}, {@code Condition.awaitUninterruptibly}, {@code StampedLock.writeLock/
 * readLock}, {@code CompletableFuture.join}, {@code ForkJoinTask.join/invoke/quietlyJoin}, {@code
 * Phaser.awaitAdvance/arriveAndAwaitAdvance}. The runtime delivers a kill to a greenlet as an interrupt, and these
 * waits only record an interrupt and wait on; so on a greenlet the agent runs each of them as the JDK's own
 * interruptible variant of the same wait, whose interrupt path cancels the waiter (the AQS node cancelled and
 * unlinked, the StampedLock node cancelled, the CompletableFuture Signaller unlinked, the ForkJoinTask Aux node
 * removed, the Phaser QNode released, the condition waiter back on its lock), and then decides here:
 *
 * <ul>
 *   <li>a kill/Timeout is pending and the wait is the application's own: the kill is raised right there, with the
 *       lock not acquired (a condition waiter holds its lock again, as after {@code await()}'s interrupt);
 *   <li>a kill/Timeout is pending but the wait is the JDK's own or gevent4j's (a queue's internal lock in
 *       {@code ArrayBlockingQueue.offer}, {@code ThreadPoolExecutor}'s bookkeeping, {@code ForkJoinPool.invoke}),
 *       whose callers do not expect an exception there: the interrupt is set again and the wait goes on as the JDK's
 *       uninterruptible one (it re-asserts the interrupt when done); the kill is raised at the next kill point;
 *   <li>no kill: an application interrupt. The wait goes on (as a new waiter: a fair lock's queue position is lost)
 *       and the interrupt is set again when it is done, as the JDK's uninterruptible wait does.
 * </ul>
 *
 * <pre>{@code
 * // exit advice of AQS.acquire(Node, int, shared, interruptible, timed, time), made interruptible on a greenlet:
 * if (made && result < 0) {
 *     Throwable kill = UninterruptibleWaits.killFor(this);
 *     if (kill != null) throw kill;
 *     interruptible = UninterruptibleWaits.waitAgainInterruptibly();   // and repeat the method
 * }
 * }</pre>
 *
 * <p>"The application's own": the first frame above the primitive's own methods (the patched method's class and
 * its nest, e.g. AbstractQueuedSynchronizer; the synchronizer's nest, e.g. ReentrantLock with its Sync and
 * ReentrantLock.lock) belongs to a class that neither the boot nor the platform class loader defined. The stack is
 * walked only on this interrupt path. Platform threads, and virtual threads that are not greenlets, never get here:
 * the advice leaves the JDK's wait unchanged for them.
 */
public final class UninterruptibleWaits {
    private UninterruptibleWaits() {}

    /**
     * Whether the calling thread is a greenlet (the advice then makes an uninterruptible wait interruptible). A
     * platform thread answers without touching the runtime's classes.
     */
    public static boolean onGreenlet() {
        return Thread.currentThread().isVirtual() && Strand.ofCurrentGreenlet() != null;
    }

    /**
     * Called once an uninterruptible wait that the advice made interruptible was cancelled by an interrupt: the
     * kill/Timeout pending for the calling greenlet (taken, the interrupt that carried it cleared, its stack trace
     * filled in here) if the wait is the application's own, else null. {@code primitive} is the object waited on
     * (its nest counts as the primitive's own frames), or null.
     */
    public static Throwable killFor(Object primitive) {
        try {
            Strand s = Strand.ofCurrentGreenlet();
            if (s == null || s.pending() == null || !calledByApplication(primitive)) {
                return null;
            }
            return KillPoints.takeKill(s);
        } catch (Throwable unexpected) {
            return null;
        }
    }

    /**
     * After {@link #killFor} returned null: true for an application interrupt (wait again, interruptibly; the caller
     * re-asserts the interrupt when the wait is done); false if a kill is still pending (a JDK-internal wait): the
     * interrupt is set again here and the caller waits as the JDK does, uninterruptibly.
     */
    public static boolean waitAgainInterruptibly() {
        Strand s = Strand.ofCurrentGreenlet();
        if (s != null && s.pending() != null) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }

    /**
     * {@code ConditionObject.awaitUninterruptibly()} of AQS and of the long AQS, on a greenlet: {@code await()} until
     * it returns (signalled, or spuriously, as awaitUninterruptibly may), an InterruptedException of an application
     * interrupt waiting again. Returns true when done (the advice skips the JDK's body), false for a platform thread
     * or a kill deferred as above (the JDK's body then waits, with the interrupt set). The lock is held again on
     * every exit, also when the kill is raised.
     */
    public static boolean awaitUninterruptibly(Condition c) {
        if (!onGreenlet()) {
            return false;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    c.await();
                    return true;
                } catch (InterruptedException e) {
                    Throwable kill = killFor(null);
                    if (kill != null) {
                        throw sneaky(kill);
                    }
                    if (!waitAgainInterruptibly()) {
                        return false;
                    }
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * {@code Phaser.internalAwaitAdvance(phase, null)} (the uninterruptible wait behind awaitAdvance,
     * arriveAndAwaitAdvance and a registration during an advance), on a greenlet: {@code
     * root.awaitAdvanceInterruptibly(phase)} until it returns, as {@link #awaitUninterruptibly}. Returns the next
     * phase (the advice skips the JDK's body), or null for a platform thread or a deferred kill (the JDK's body runs).
     */
    public static Integer awaitAdvance(Phaser root, int phase) {
        if (!onGreenlet()) {
            return null;
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return root.awaitAdvanceInterruptibly(phase);
                } catch (InterruptedException e) {
                    Throwable kill = killFor(null);
                    if (kill != null) {
                        throw sneaky(kill);
                    }
                    if (!waitAgainInterruptibly()) {
                        return null;
                    }
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }

    // Frames: this class's (skipped), the patched method (its advice is inlined), then the primitive's own methods.
    private static boolean calledByApplication(Object primitive) {
        CallerCheck check = new CallerCheck(primitive == null ? null : primitive.getClass().getNestHost());
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(check);
    }

    // A named class rather than a lambda: no invokedynamic bootstrap inside a patched JDK method.
    private static final class CallerCheck implements Function<Stream<StackWalker.StackFrame>, Boolean> {
        private final Class<?> primitiveNest;

        CallerCheck(Class<?> primitiveNest) {
            this.primitiveNest = primitiveNest;
        }

        @Override
        public Boolean apply(Stream<StackWalker.StackFrame> frames) {
            Iterator<StackWalker.StackFrame> it = frames.iterator();
            Class<?> patchedNest = null;
            while (it.hasNext()) {
                Class<?> c = it.next().getDeclaringClass();
                Class<?> nest = c.getNestHost();
                if (nest == UninterruptibleWaits.class) {
                    continue;
                }
                if (patchedNest == null) {
                    patchedNest = nest;
                    continue;
                }
                if (nest == patchedNest || nest == primitiveNest) {
                    continue;
                }
                ClassLoader l = c.getClassLoader();
                return l != null && l != ClassLoader.getPlatformClassLoader();
            }
            return false;
        }
    }
}
