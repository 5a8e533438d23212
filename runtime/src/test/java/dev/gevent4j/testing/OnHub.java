package dev.gevent4j.testing;

import dev.gevent4j.Hub;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

/** Test helper: runs code in a greenlet of a hub and returns its value, raising its exception unwrapped. */
public final class OnHub {
    private OnHub() {}

    /** Runs {@code fn} in a new greenlet on {@code hub}, waits, and returns its value or throws what it threw. */
    public static <T> T call(Hub hub, Callable<T> fn) throws Exception {
        try {
            return hub.spawn(fn).get();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }
}
