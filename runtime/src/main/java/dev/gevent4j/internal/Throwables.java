package dev.gevent4j.internal;

import java.util.concurrent.CompletionException;

/** Helpers for raising throwables that were created on one strand and raised on another. */
public final class Throwables {
    private Throwables() {}

    /**
     * Refreshes the stack trace of a throwable gevent4j raises at a blocking point (kill, Timeout, LoopExit), so the
     * trace shows where it was raised, and returns it as an unchecked throwable to {@code throw}.
     */
    public static RuntimeException fillAndCast(Throwable t) {
        if (t instanceof RuntimeException || t instanceof Error) {
            t.fillInStackTrace();
        }
        return sneaky(t);
    }

    /** Rethrows a greenlet's failure to a caller: unchecked as itself, checked wrapped in CompletionException. */
    public static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new CompletionException(t);
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
        throw (T) t;
    }
}
