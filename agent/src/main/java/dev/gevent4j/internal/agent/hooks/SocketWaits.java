package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Socket readiness for greenlets: the replacement of {@code sun.nio.ch.Poller.poll}, {@code pollSelector} and the
 * companion of {@code stopPoll}. A greenlet that would block on a socket (or a Selector, or a pipe channel)
 * registers the raw fd with its hub's epoll loop and parks; the hub wakes it on readiness, on the deadline (a hub
 * timer) or when the socket is closed ({@code stopPoll}).
 *
 * <pre>{@code
 * // inlined at the top of Poller.poll(fd, event, nanos, isOpen):
 * if (SocketWaits.poll(fd, event, nanos, isOpen)) return;   // handled for a greenlet
 * }</pre>
 *
 * <p>Timeout: {@code nanos > 0} is a deadline on the hub's timers; the method then returns and the JDK caller sees
 * that its time is up ({@code SocketTimeoutException}). Interrupt: returns with the interrupt status set, as the
 * JDK's poller does (the JDK then closes the socket: "Closed by interrupt"). Kill and gevent4j {@code Timeout}: raised
 * here, after the fd's registration is gone; the socket stays open and usable. A greenlet pinned to its hub thread
 * (a socket read inside a class initializer) is left to the JDK's poller, which wakes a pinned virtual thread's
 * carrier directly: waiting on the hub would freeze it.
 */
public final class SocketWaits {
    /* Net.POLLIN / Net.POLLOUT on Linux. */
    static final int POLLIN = 0x001;
    static final int POLLOUT = 0x004;

    /** Waiting greenlets by (fd, event), so that stopPoll (any thread) can find them. */
    private static final ConcurrentHashMap<Long, PollWait> WAITS = new ConcurrentHashMap<>();

    private SocketWaits() {}

    private static Long key(int fd, int event) {
        return ((long) fd << 8) | event;
    }

    /**
     * Parks the calling greenlet until {@code fd} is ready for {@code event}, the time is up, or the socket is
     * closed. Returns false (not handled: the JDK's own poller runs) for anything but a greenlet of an epoll hub.
     */
    public static boolean poll(int fd, int event, long nanos, BooleanSupplier isOpen) throws IOException {
        if (event != POLLIN && event != POLLOUT) {
            return false;
        }
        Hub hub = Hub.current();
        if (hub == null || hub.isClosed() || !"epoll".equals(hub.ioType())) {
            return false;
        }
        PollWait w = new PollWait(hub, fd, event == POLLIN, Thread.currentThread(), nanos);
        Long key = key(fd, event);
        PollWait previous = WAITS.put(key, w);
        if (previous != null) {
            previous.stop(); // a second waiter for the same fd and event: wake the first, it re-checks
        }
        try {
            if (isOpen.getAsBoolean() && !w.await()) {
                return false; // pinned to the hub thread: the JDK's poller wakes the carrier directly
            }
        } finally {
            WAITS.remove(key, w);
        }
        return true;
    }

    /** Selector waits: the Selector's epoll fd becomes readable when a key is ready or {@code wakeup()} is called. */
    public static boolean pollSelector(int fd, long nanos) throws IOException {
        return poll(fd, POLLIN, nanos, () -> true);
    }

    /** The JDK closes (or shuts down) the socket: wake its greenlet waiter. Any thread. */
    public static void stopPoll(int fd, int event) {
        if (WAITS.isEmpty()) {
            return;
        }
        PollWait w = WAITS.remove(key(fd, event));
        if (w != null) {
            w.stop();
        }
    }

    /** {@link #awaitReady}: the fd is ready (or closed, or the hub is closing): the JDK's call may run now. */
    static final int READY = 0;
    /** {@link #awaitReady}: epoll refuses the fd (a regular file, a directory, /dev/null): nothing waited. */
    static final int NOT_POLLABLE = 1;
    /** {@link #awaitReady}: the greenlet is pinned to the hub thread (see {@link Pinning}): nothing waited. */
    static final int PINNED = 2;

    /**
     * Parks the calling greenlet of {@code hub} until {@code fd} (a pipe, tty or socket the JDK reads or writes with
     * a blocking call) is ready for {@code event}: {@link #READY}, or at once {@link #NOT_POLLABLE} or
     * {@link #PINNED}.
     */
    static int awaitReady(Hub hub, int fd, int event) throws IOException {
        PollWait w = new PollWait(hub, fd, event == POLLIN, Thread.currentThread(), 0);
        try {
            return w.await() ? READY : PINNED;
        } catch (NotPollableException e) {
            return NOT_POLLABLE;
        }
    }

    /** Number of greenlets waiting for socket readiness, for tests and monitoring. */
    public static int waiting() {
        return WAITS.size();
    }
}
