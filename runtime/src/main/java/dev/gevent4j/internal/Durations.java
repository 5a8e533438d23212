package dev.gevent4j.internal;

import java.time.Duration;

/**
 * The one check of gevent4j's {@code Duration} arguments, in two kinds: a <em>timeout</em>, where {@code null} means
 * no limit (gevent's {@code timeout=None}), and a <em>required</em> duration (a sleep, a delay, a grace period), where
 * {@code null} is an error. Both reject a negative duration and saturate at {@link Long#MAX_VALUE} nanoseconds. Not
 * API.
 *
 * <pre>{@code
 * long nanos = Durations.timeoutNanos(timeout, "timeout");   // FOREVER for null
 * long delay = Durations.requiredNanos(delay, "delay");      // IllegalArgumentException for null
 * }</pre>
 *
 * <p>Nothing here waits; timeout, interrupt and kill do not apply.
 */
public final class Durations {
    /** A timeout in nanoseconds meaning "no limit". */
    public static final long FOREVER = -1;

    private Durations() {}

    /**
     * A timeout argument in nanoseconds: null means no limit ({@link #FOREVER}).
     *
     * @throws IllegalArgumentException if negative
     */
    public static long timeoutNanos(Duration timeout, String what) {
        return timeout == null ? FOREVER : nanos(timeout, what, " (or null for no limit)");
    }

    /**
     * A duration that must be given (a sleep, a delay, a grace period), in nanoseconds.
     *
     * @throws IllegalArgumentException if null or negative
     */
    public static long requiredNanos(Duration d, String what) {
        if (d == null) {
            throw new IllegalArgumentException(what + " is null; pass a Duration >= 0");
        }
        return nanos(d, what, "");
    }

    private static long nanos(Duration d, String what, String orNull) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " is " + d + "; it must be >= 0" + orNull);
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
