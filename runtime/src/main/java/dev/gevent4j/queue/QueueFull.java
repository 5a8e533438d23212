package dev.gevent4j.queue;

import java.io.Serial;

/**
 * Raised when put found no room: the queue was full (nowait) or stayed full until the timeout passed (gevent's
 * {@code queue.Full}).
 *
 * <pre>{@code
 * try {
 *     queue.putNowait(item);
 * } catch (QueueFull e) {
 *     dropped++;
 * }
 * }</pre>
 *
 * <p>An ordinary unchecked exception, raised in the caller; it is not a kill or a {@link dev.gevent4j.Timeout}.
 */
public class QueueFull extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public QueueFull(String message) {
        super(message);
    }
}
