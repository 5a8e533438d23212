package dev.gevent4j;

import java.io.Serial;

/**
 * Raised in a thread outside a hub that waits without a timeout (join, joinAll, get, {@link Gevent#run},
 * switchTo) for work that can never finish: the hub has no runnable greenlet, no pending timer, no registered IO,
 * and every greenlet it has is parked on something only the hub's own greenlets could end (a join of a greenlet of
 * the same hub, {@link Greenlet#switchTo}, gevent4j's own primitives).
 *
 * <pre>{@code
 * Greenlet<?> a = Gevent.spawn(() -> Gevent.getCurrent().getParent());   // fine
 * Greenlet<Object> never = new Greenlet<>(() -> 1);                     // never started
 * never.join();   // LoopExit: "this operation would block forever"
 * }</pre>
 *
 * <p>A greenlet parked in a wait that another thread may end (java.util.concurrent, a CompletableFuture completed
 * by a foreign thread, a socket) never causes LoopExit: Java programs legitimately wake greenlets from other
 * threads. Like gevent's, it is an {@link Error}-like signal of a program bug rather than a condition to recover
 * from, so it is unchecked.
 */
public class LoopExit extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public LoopExit(String message) {
        super(message);
    }
}
