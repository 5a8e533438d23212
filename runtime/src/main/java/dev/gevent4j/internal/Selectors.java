package dev.gevent4j.internal;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * The JDK's blocking wait for a non-blocking channel, for threads that are not greenlets of an epoll hub: a
 * temporary {@link Selector}. Waits in slices so that a close by another thread (which the JDK defers while the
 * channel is registered with a selector) is seen.
 */
final class Selectors {
    private static final long SLICE_MILLIS = 50;

    private Selectors() {}

    /** @return false if {@code timeoutNanos} passed ({@link Durations#FOREVER}: none) */
    static boolean await(SelectableChannel ch, boolean read, long timeoutNanos) throws IOException {
        int ops = read ? (ch.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT))
                : (ch.validOps() & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT));
        long deadline = timeoutNanos == Durations.FOREVER ? 0 : System.nanoTime() + timeoutNanos;
        try (Selector sel = Selector.open()) {
            try {
                ch.register(sel, ops);
            } catch (ClosedChannelException e) {
                return true; // the caller's retry reports the close
            }
            while (ch.isOpen()) {
                long slice = SLICE_MILLIS;
                if (deadline != 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        return false;
                    }
                    slice = Math.max(1, Math.min(slice, left / 1_000_000L));
                }
                if (sel.select(slice) > 0) {
                    return true;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new java.io.InterruptedIOException("interrupted while waiting for " + ch);
                }
            }
            return true;
        }
    }
}
