package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Socket readiness for greenlets: the replacement of {@code sun.nio.ch.Poller.poll}, {@code pollSelector} and the
 * companion of {@code stopPoll} and of the JDK's socket close. A greenlet that would block on a socket (or a pipe
 * channel) waits for its hub to see an edge on the fd: the fd is in the hub's {@link AgentEpoll} set from its first
 * wait until the JDK closes it. A Selector's own epoll fd is registered for each wait ({@link PollWait}).
 *
 * <pre>{@code
 * // inlined at the top of Poller.poll(fd, event, nanos, isOpen):
 * if (SocketWaits.poll(fd, event, nanos, isOpen)) return;   // handled for a greenlet
 * // inlined at the top of UnixDispatcher.close(FileDescriptor):
 * SocketWaits.closing(fdVal);
 * }</pre>
 *
 * <p>Timeout: {@code nanos > 0} is a deadline on the hub's timers; the method then returns and the JDK caller sees
 * that its time is up ({@code SocketTimeoutException}). Interrupt: returns with the interrupt status set, as the
 * JDK's poller does (the JDK then closes the socket: "Closed by interrupt"). Kill and gevent4j {@code Timeout}: raised
 * here; the socket stays open and usable. A greenlet pinned to its hub thread (a socket read inside a class
 * initializer) parks its carrier, the hub thread: {@link #pinnedPark} then collects the hub's socket events on that
 * thread until the greenlet's own wait is over.
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
     * closed. Returns false (not handled: the JDK's own poller runs) for anything but a greenlet of an epoll hub, or
     * an fd epoll refuses.
     *
     * <p>The fd joins its hub's {@link AgentEpoll} set on its first wait (one {@code epoll_ctl}, by this greenlet) and
     * stays there until the JDK closes it ({@link #closing}). A wait costs no syscall and no task on the hub: if an
     * edge came since the last wait resumed, it returns at once (the JDK retries its non-blocking call); else it parks
     * until the hub's next edge for the fd.
     */
    public static boolean poll(int fd, int event, long nanos, BooleanSupplier isOpen) throws IOException {
        if (event != POLLIN && event != POLLOUT) {
            return false;
        }
        Hub hub = Hub.current();
        if (hub == null || hub.isClosed() || !"epoll".equals(hub.ioType())) {
            return false;
        }
        FdReadiness st = FdTable.get(fd);
        // An fd stays with the hub that registered it while that hub lives: a greenlet of another hub (a reader and a
        // writer of one socket on two hubs of a group) waits on it too, and the owner's edges unpark it across hubs.
        if (st == null || st.closed || st.owner.isClosed()) {
            AgentEpoll ep = AgentEpoll.of(hub);
            st = ep == null ? null : FdTable.register(fd, ep);
            if (st == null) {
                return false; // epoll refuses the fd: the JDK's poller waits
            }
        }
        boolean read = event == POLLIN;
        int seq = st.seq(read);
        if (st.edgeSinceLastWait(read, seq) || !isOpen.getAsBoolean()) {
            return true;
        }
        SocketWait w = new SocketWait(st, read, seq, Thread.currentThread(), nanos);
        st.addWaiter(w);
        boolean timed = nanos > 0;
        try {
            if (timed) {
                Internals.addTimer(hub, w);
            }
            Internals.awaitReleasing(w, w::release, w);
        } finally {
            st.removeWaiter(w);
            st.seen(read);
            if (timed && w.isQueued()) {
                Internals.cancelTimer(hub, w);
            }
        }
        return true;
    }

    /**
     * {@code NioSocketImpl.tryRead}, before the read: true to skip it (it would find nothing, see
     * {@link FdReadiness#skipRead}); the JDK then sees "would block" and waits in {@link #poll}. Only for a greenlet
     * of the hub that collects the fd's edges: any other reader would retry without waiting for an edge.
     */
    public static boolean skipRead(int fd) {
        FdReadiness st = FdTable.get(fd);
        if (st == null || st.closed) {
            return false;
        }
        Hub hub = Hub.current();
        if (hub != st.owner.hub) {
            return false;
        }
        return st.skipRead();
    }

    /** {@code NioSocketImpl.tryRead}, after a read {@link #skipRead} let through: {@code n} bytes of {@code len}. */
    public static void afterRead(int fd, int n, int len) {
        FdReadiness st = FdTable.get(fd);
        if (st != null) {
            st.afterRead(n, len);
        }
    }

    /**
     * {@code UnixDispatcher.close(FileDescriptor)}: the JDK is about to close a socket fd. If it is in a hub's epoll
     * set it leaves it now, before its number can be reused, and its waiters wake. Any thread.
     */
    public static void closing(int fd) {
        FdTable.closing(fd);
    }

    /**
     * {@code VirtualThread.parkOnCarrierThread}: a virtual thread could not unmount and is about to park its carrier.
     * If it is a greenlet in a socket wait, its carrier is its hub's thread, which alone collects the events that
     * would wake it: the greenlet collects them itself until its wait is over, then the park returns at once. Other
     * pinned parks (nothing of the hub's) are left as they are.
     */
    public static void pinnedPark(Thread vthread) {
        if (FdTable.size() == 0) {
            return;
        }
        Hub hub = Hub.current();
        if (hub == null) {
            return;
        }
        AgentEpoll ep = AgentEpoll.of(hub);
        SocketWait w = ep == null ? null : FdTable.waitOf(vthread, ep);
        if (w == null) {
            return;
        }
        PINNED_DRIVES.incrementAndGet();
        try {
            ep.driveWhilePinned(w, () -> ParkPermit.isSet(vthread));
        } finally {
            PINNED_DRIVES.decrementAndGet();
        }
        LockSupport.unpark(vthread); // the carrier's park returns at once; the wait re-checks its condition
    }

    /** {@code VirtualThread.parkPermit}, read while a pinned greenlet drives its hub's epoll set. */
    private static final class ParkPermit {
        private static final java.lang.invoke.VarHandle PERMIT;

        static {
            java.lang.invoke.VarHandle h = null;
            try {
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                h = java.lang.invoke.MethodHandles.privateLookupIn(vt, java.lang.invoke.MethodHandles.lookup())
                        .findVarHandle(vt, "parkPermit", boolean.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // without it a kill reaches a pinned waiter only at its next edge or deadline
            }
            PERMIT = h;
        }

        static boolean isSet(Thread vthread) {
            return PERMIT != null && (boolean) PERMIT.getVolatile(vthread);
        }
    }

    /** Selector waits: the Selector's epoll fd becomes readable when a key is ready or {@code wakeup()} is called. */
    public static boolean pollSelector(int fd, long nanos) throws IOException {
        // A Selector's epoll fd is closed by FileDispatcherImpl.closeIntFD, not UnixDispatcher.close: it is
        // registered for this one wait only, and leaves the hub's epoll before the wait returns.
        Hub hub = Hub.current();
        if (hub == null || hub.isClosed() || !"epoll".equals(hub.ioType())) {
            return false;
        }
        PollWait w = new PollWait(hub, fd, true, Thread.currentThread(), nanos);
        Long key = key(fd, POLLIN);
        PollWait previous = WAITS.put(key, w);
        if (previous != null) {
            previous.stop(); // a second waiter for the same fd and event: wake the first, it re-checks
        }
        try {
            if (!w.await()) {
                return false; // pinned to the hub thread: the JDK's poller wakes the carrier directly
            }
        } finally {
            WAITS.remove(key, w);
        }
        return true;
    }

    /** The JDK closes (or shuts down) the socket: wake its greenlet waiter. Any thread. */
    public static void stopPoll(int fd, int event) {
        FdReadiness st = FdTable.get(fd);
        if (st != null) {
            st.stop(event == POLLIN, event == POLLOUT);
        }
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

    private static final java.util.concurrent.atomic.AtomicInteger PINNED_DRIVES =
            new java.util.concurrent.atomic.AtomicInteger();

    /** Number of greenlets waiting for socket readiness (a scan of the fd table), for tests and monitoring. */
    public static int waiting() {
        return WAITS.size() + FdTable.waiters();
    }

    /** Whether the hub collected a FIN, RST or error edge for {@code fd}, for tests. */
    public static boolean hangupSeen(int fd) {
        FdReadiness st = FdTable.get(fd);
        return st != null && st.hangupSeen();
    }

    /** The fd numbers in hubs' epoll sets now, for tests. */
    public static int[] registeredFds() {
        return FdTable.numbers();
    }

    /** Number of pinned greenlets collecting their hub's socket events themselves ({@link #pinnedPark}), for tests. */
    public static int pinnedWaiting() {
        return PINNED_DRIVES.get();
    }
}
