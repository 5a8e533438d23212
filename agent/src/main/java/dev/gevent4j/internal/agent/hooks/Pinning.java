package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the calling greenlet is pinned to its hub's thread — it cannot unmount because a class initializer or a
 * native frame is on its stack — found by the JVM's own test: trying to yield. A pinned greenlet must never wait for
 * something only its hub's loop can deliver (an epoll readiness, a hub callback): its park blocks the hub thread
 * itself, so the loop never runs again. Hooks use this before such a wait and fall back to the JDK's own blocking
 * call, which is what the same code does on a pinned JDK virtual thread.
 *
 * <pre>{@code
 * if (Pinning.pinned(hub)) return null;   // run the JDK's blocking call on the hub thread
 * }</pre>
 *
 * <p>Cost: one {@code callSoon} and one {@code Thread.yield()} (the other ready greenlets run meanwhile); a pinned
 * greenlet's yield returns at once. Timeout, interrupt, kill: nothing waits here, nothing is raised. MUST be called
 * by a greenlet of {@code hub}.
 */
final class Pinning {
    /*
     * Why a yield and not a stack walk: VirtualThread.park on a pinned virtual thread falls back to
     * parkOnCarrierThread (Unsafe.park of the carrier, here the hub thread), and its unpark goes straight to the
     * carrier, never through the scheduler. What pins is decided by the VM's freeze: a class initializer (the VM
     * calls <clinit> through a call stub), a native method frame, a VM upcall such as ClassLoader.loadClass during
     * constant-pool resolution, or a Continuation.pin() critical section. A StackWalker sees only the first two
     * (and costs 5-15 us per walk, measured on a 2-vCPU machine), Continuation.isPinned answers true even for an unpinned virtual
     * thread on JDK 25 (measured), whereas a yield is exact: the hub runs ready work strictly FIFO, so a callback
     * queued before the yield has run when an unpinned greenlet resumes, and cannot have run if the yield returned
     * without unmounting (the hub thread never left the greenlet's frames).
     */
    private Pinning() {}

    /** True if the calling greenlet of {@code hub} cannot unmount (or the hub is closing: then nothing waits). */
    static boolean pinned(Hub hub) {
        AtomicBoolean ran = new AtomicBoolean();
        try {
            hub.callSoon(() -> ran.set(true));
        } catch (IllegalStateException closed) {
            return true;
        }
        Thread.yield();
        return !ran.get();
    }
}
