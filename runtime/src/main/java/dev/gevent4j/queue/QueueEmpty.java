package dev.gevent4j.queue;

import java.io.Serial;

/**
 * Raised when get or peek found no item: the queue was empty (nowait) or stayed empty until the timeout passed
 * (gevent's {@code queue.Empty}).
 *
 * <pre>{@code
 * try {
 *     item = queue.getNowait();
 * } catch (QueueEmpty e) {
 *     item = fallback;
 * }
 * }</pre>
 *
 * <p>An ordinary unchecked exception, raised in the caller; it is not a kill or a {@link dev.gevent4j.Timeout}.
 */
public class QueueEmpty extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public QueueEmpty(String message) {
        super(message);
    }
}
