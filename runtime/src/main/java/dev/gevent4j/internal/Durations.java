package dev.gevent4j.internal;

import java.time.Duration;

/** Argument checks for the timeouts of gevent4j's primitives. Not API. */
public final class Durations {
    /** A timeout in nanoseconds meaning "no limit". */
    public static final long FOREVER = -1;

    private Durations() {}

    /**
     * A timeout argument in nanoseconds: null means no limit ({@link #FOREVER}); saturates at
     * {@link Long#MAX_VALUE}.
     *
     * @throws IllegalArgumentException if negative
     */
    public static long timeoutNanos(Duration d, String what) {
        if (d == null) {
            return FOREVER;
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " is " + d + "; it must be >= 0 (or null for no limit)");
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** Like {@link #timeoutNanos} but null is rejected. */
    public static long requiredNanos(Duration d, String what) {
        if (d == null) {
            throw new IllegalArgumentException(what + " is null; pass a Duration >= 0");
        }
        return timeoutNanos(d, what);
    }
}
