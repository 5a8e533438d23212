package dev.gevent4j.lock;

/**
 * A {@link Semaphore} that refuses to hold more permits than it started with: gevent's
 * {@code gevent.lock.BoundedSemaphore}. Releasing a permit that was never acquired raises
 * {@link IllegalStateException} (gevent's {@code ValueError}), which catches unbalanced acquire/release pairs.
 *
 * <pre>{@code
 * BoundedSemaphore sem = new BoundedSemaphore(1);
 * sem.acquire();
 * sem.release();
 * sem.release();     // IllegalStateException: released too many times
 * }</pre>
 *
 * <p>Timeout, interrupt and kill behave as for {@link Semaphore}.
 */
public final class BoundedSemaphore extends Semaphore {
    /**
     * Creates a bounded semaphore with {@code permits} permits, which is also its maximum.
     *
     * @throws IllegalArgumentException if permits is negative
     */
    public BoundedSemaphore(int permits) {
        super(permits, permits);
    }

    @Override
    public BoundedSemaphore acquire() {
        super.acquire();
        return this;
    }
}
