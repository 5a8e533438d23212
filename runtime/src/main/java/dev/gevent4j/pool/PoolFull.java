package dev.gevent4j.pool;

import java.io.Serial;

/**
 * Raised when a greenlet could not be added to a full {@link Pool} without waiting (gevent's {@code PoolFull}):
 * {@code addNowait(greenlet)}, or a timed add whose timeout passed.
 *
 * <pre>{@code
 * try {
 *     pool.addNowait(g);
 * } catch (PoolFull e) {
 *     g.kill();           // or run it elsewhere
 * }
 * }</pre>
 *
 * <p>An ordinary unchecked exception, raised in the caller; it is not a kill or a {@link dev.gevent4j.Timeout}.
 */
public class PoolFull extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public PoolFull(String message) {
        super(message);
    }
}
