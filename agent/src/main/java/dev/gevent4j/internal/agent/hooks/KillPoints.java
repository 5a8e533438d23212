package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.internal.Strand;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Kill and {@code Timeout} at JDK park points (agent option {@code park}). The runtime delivers a kill to a greenlet
 * blocked outside gevent4j's own waits as an interrupt; the JDK's own interrupt handling then unwinds the wait and
 * leaves the lock, condition, queue, future or monitor consistent (the waiter's node is cancelled or unlinked, a
 * condition waiter re-acquires its lock, {@code Object.wait} re-enters its monitor). At the exit of each patched
 * blocking method, an {@link InterruptedException} that a pending kill caused is replaced by the kill itself, so
 * application code that catches InterruptedException cannot swallow a kill.
 *
 * <pre>{@code
 * // exit advice of Thread.sleepNanos, AQS.acquireInterruptibly, ConditionObject.await, Object.wait, ...:
 * if (thrown instanceof InterruptedException) { Throwable k = KillPoints.pendingKill(); if (k != null) thrown = k; }
 * }</pre>
 *
 * <p>Nested kill points: when the patched method that threw was called directly by another patched kill point (e.g.
 * {@code ConditionObject.await} called by {@code CyclicBarrier.dowait}), the InterruptedException is left alone so
 * that the outer JDK method runs its own interrupt handling (breaking the barrier) first; the outer one then raises
 * the kill.
 *
 * <p>The JDK's uninterruptible waits ({@code Lock.lock()}, {@code CompletableFuture.join()}, ...) are kill points
 * too, through {@link UninterruptibleWaits}.
 *
 * <p>Never throws itself; for a platform thread, or with nothing pending, it returns null and the JDK's behaviour is
 * unchanged.
 */
public final class KillPoints {
    private KillPoints() {}

    /** Ids ({@code class#method(descriptor)}) of the methods transformed with the kill advice. */
    private static final Set<String> POINTS = ConcurrentHashMap.newKeySet();

    /** Records that {@code id} (as {@code Patch.id()}) carries the kill advice. Called by the agent at start-up. */
    public static void registerKillPoint(String id) {
        POINTS.add(id);
    }

    /** The kill/Timeout pending for the calling greenlet (taken, its interrupt cleared), or null. */
    public static Throwable pendingKill() {
        try {
            // Strand.ofCurrentGreenlet needs no runtime initialisation: a platform thread (a JDK thread interrupted in
            // Object.wait, say) never loads the runtime's classes here.
            Strand s = Strand.ofCurrentGreenlet();
            if (s == null || s.pending() == null || calledByKillPoint()) {
                return null;
            }
            return takeKill(s);
        } catch (Throwable unexpected) {
            return null;
        }
    }

    /** Takes {@code s}'s pending kill/Timeout (its interrupt cleared), its stack trace filled in here. */
    static Throwable takeKill(Strand s) {
        Throwable t = s.takePending();
        if (t instanceof RuntimeException || t instanceof Error) {
            t.fillInStackTrace();
        }
        return t;
    }

    // Only reached on the exception path with a kill pending, so the stack walk costs nothing in normal operation.
    // Frames: calledByKillPoint, pendingKill, the patched method (advice is inlined), its caller. The descriptor
    // needs RETAIN_CLASS_REFERENCE.
    private static boolean calledByKillPoint() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).walk(CALLER_IS_KILL_POINT);
    }

    // A named class rather than a lambda: no invokedynamic bootstrap inside a patched JDK method.
    private static final Function<Stream<StackWalker.StackFrame>, Boolean> CALLER_IS_KILL_POINT = new CallerCheck();

    private static final class CallerCheck implements Function<Stream<StackWalker.StackFrame>, Boolean> {
        @Override
        public Boolean apply(Stream<StackWalker.StackFrame> frames) {
            Iterator<StackWalker.StackFrame> it = frames.iterator();
            boolean patchedSeen = false;
            while (it.hasNext()) {
                StackWalker.StackFrame f = it.next();
                if (f.getDeclaringClass() == KillPoints.class) {
                    continue;
                }
                if (!patchedSeen) {
                    patchedSeen = true;
                    continue;
                }
                // UninterruptibleWaits' loops call await()/awaitAdvanceInterruptibly() and handle the
                // InterruptedException themselves (kill, deferred kill, or application interrupt).
                return f.getDeclaringClass() == UninterruptibleWaits.class
                        || POINTS.contains(f.getClassName() + "#" + f.getMethodName() + f.getDescriptor());
            }
            return false;
        }
    }
}
