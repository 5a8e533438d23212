package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.io.ThreadResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

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
        Throwable deferred = null;
        while (true) {
            try {
                T v = r.get();
                if (deferred != null) {
                    throw dev.gevent4j.internal.Throwables.fillAndCast(deferred);
                }
                return v;
            } catch (CompletionException e) {
                if (r.isDone() && e.getCause() == r.exception()) {
                    if (deferred != null) {
                        throw dev.gevent4j.internal.Throwables.fillAndCast(deferred);
                    }
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw e;
                }
                deferred = deferred == null ? e : deferred;
            } catch (CancellationException e) {
                if (deferred != null) {
                    throw dev.gevent4j.internal.Throwables.fillAndCast(deferred);
                }
                throw new IOException("gevent4j: hub " + hub.getName() + " closed during a file call on its thread "
                        + "pool", e);
            } catch (RuntimeException | Error e) {
                if (r.isDone() && e == r.exception()) {
                    if (deferred != null) {
                        throw dev.gevent4j.internal.Throwables.fillAndCast(deferred);
                    }
                    if (e instanceof UncheckedIOException u) {
                        throw u.getCause();
                    }
                    throw e;
                }
                // a kill or Timeout raised in this greenlet while the call runs: raised once it returned
                deferred = deferred == null ? e : deferred;
            }
        }
    }
}
