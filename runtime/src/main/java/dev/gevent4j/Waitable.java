package dev.gevent4j;

/**
 * Something that becomes ready and that {@link Gevent#await(java.util.Collection, java.time.Duration, int)} and
 * {@link Gevent#iwait} can wait for, together with greenlets: {@link dev.gevent4j.event.Event} (ready while set) and
 * {@link dev.gevent4j.event.AsyncResult} (ready once completed).
 *
 * <pre>{@code
 * List<Object> ready = Gevent.await(List.of(event, asyncResult, greenlet), Duration.ofSeconds(1), 1);
 * }</pre>
 *
 * <p>Implementations are thread-safe. Registering a notifier never blocks; it is not a wait, so timeouts, interrupts
 * and kills do not apply to it.
 */
public interface Waitable {
    /** Whether the object is ready now. */
    boolean isReady();

    /**
     * Arranges for {@code notifier} to run once, when the object becomes ready: at once on the calling thread if it
     * already is, else on the thread that makes it ready. The notifier MUST be quick and MUST NOT block.
     *
     * @return an action that unregisters the notifier if it has not run yet (idempotent, any thread)
     */
    Runnable onReady(Runnable notifier);
}
