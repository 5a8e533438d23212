package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.io.ThreadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CancellationException;

/**
 * A blocking file call of a greenlet run on its hub's thread pool while the greenlet parks: the hub runs the other
 * greenlets meanwhile, however slow the disk. The call is never abandoned half-way: a kill or Timeout that arrives
 * while it runs is raised once it has returned, so that the file's offset and the caller's locks stay consistent
 * (a {@code ZipFile} seeks and reads under one monitor, for example).
 *
 * <pre>{@code
 * Integer n = PoolCalls.run(hub, () -> (int) READ_BYTES.invokeExact(in, b, off, len));   // null: pool shut down
 * }</pre>
 *
 * <p>Timeout and kill: deferred until the call returned, then raised (its result is dropped). Interrupt: not seen by
 * the pool thread. MUST be called by a greenlet of {@code hub} that is not pinned to it (see {@link Pinning}).
 */
final class PoolCalls {
    private PoolCalls() {}

    /** A call that may throw what the JDK method declares (IOException) and anything unchecked. */
    interface Call<T> {
        T call() throws Throwable;
    }

    /** Runs {@code c} on the hub's pool and returns its value; null if the pool is shut down (the hub is closing). */
    static <T> T run(Hub hub, Call<T> c) throws IOException {
        ThreadResult<T> r;
        try {
            r = hub.threadPool().submit(() -> {
                try {
                    return c.call();
                } catch (Exception | Error e) {
                    throw e;
                } catch (Throwable t) {
                    throw new UndeclaredThrowableException(t);
                }
            });
        } catch (IllegalStateException closing) {
            return null;
        }
        // Wait until the call returned, however often a kill or Timeout interrupts the wait; raise the first such
        // afterwards. (Every throw is outside the try: the catch clauses must only see what r.get() raised.)
        Throwable deferred = null;
        T value = null;
        Throwable failure = null;
        while (true) {
            try {
                value = r.get();
                break;
            } catch (CancellationException e) {
                failure = new IOException("gevent4j: hub " + hub.getName() + " closed during a file call on its "
                        + "thread pool", e);
                break;
            } catch (RuntimeException | Error e) {
                Throwable own = r.isDone() ? r.exception() : null;
                if (own != null && (e == own || e.getCause() == own)) {
                    failure = own; // the call's own exception (a checked one came wrapped in CompletionException)
                    break;
                }
                if (deferred == null) {
                    deferred = e; // a kill or Timeout raised in this greenlet while the call runs
                }
            }
        }
        if (deferred != null) {
            throw dev.gevent4j.internal.Throwables.fillAndCast(deferred);
        }
        if (failure != null) {
            if (failure instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            if (failure instanceof IOException io) {
                throw io;
            }
            throw dev.gevent4j.internal.Throwables.rethrow(failure); // unchecked as itself (its own stack trace)
        }
        return value;
    }
}
