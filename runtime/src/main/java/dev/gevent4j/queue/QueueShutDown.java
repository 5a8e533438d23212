package dev.gevent4j.queue;

import java.io.Serial;

/**
 * Raised when the queue was shut down: put after {@code shutdown()}, or get on a shut-down queue with no items
 * left (gevent's {@code ShutDown}, Python 3.13's {@code queue.ShutDown}).
 *
 * <pre>{@code
 * try {
 *     while (true) handle(queue.get());
 * } catch (QueueShutDown e) {
 *     // the producer called queue.shutdown() and every item was taken
 * }
 * }</pre>
 *
 * <p>An ordinary unchecked exception, raised in the caller; it is not a kill or a {@link dev.gevent4j.Timeout}.
 */
public class QueueShutDown extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public QueueShutDown(String message) {
        super(message);
    }
}
