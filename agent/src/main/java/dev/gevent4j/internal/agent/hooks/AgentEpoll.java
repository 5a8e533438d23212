package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A hub's epoll set for the JDK's socket fds that its greenlets wait on: a second epoll instance, nested in the hub's
 * Netty epoll (the hub's loop sees it as one readable fd). Socket fds are added to it, edge triggered, by the waiting
 * greenlet itself the first time it waits ({@code epoll_ctl} is thread-safe, so no task is posted to the hub), stay
 * in it while the socket is open, and are removed by whichever thread closes the socket, right before the JDK's
 * {@code close(2)}. Nested, and not registered with Netty one by one, because Netty's registrations may only be
 * changed on the loop's own thread: a socket closed by another thread could then not leave the epoll set before its
 * fd number is reused.
 *
 * <pre>{@code
 * AgentEpoll ep = AgentEpoll.of(hub);   // any thread; null if the hub has no epoll
 * ep.add(fd);                           // EPOLL_CTL_ADD, edge triggered: in, out, rdhup
 * ep.remove(fd);                        // EPOLL_CTL_DEL; any thread
 * }</pre>
 *
 * <p>Readiness reaches the greenlets through {@link FdReadiness}: when the hub's loop reports this epoll readable,
 * {@link #handle} collects up to 1,024 events without blocking ({@code epoll_wait}, timeout 0), bumps the fds'
 * counters and unparks their waiters. A greenlet pinned to the hub thread drives the same collection itself (see
 * {@link #driveWhilePinned}), as the hub thread cannot.
 */
final class AgentEpoll implements EpollIoHandle {
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    private static final int RDHUP = EpollIoOps.EPOLLRDHUP.value();
    private static final int ET = EpollIoOps.EPOLLET.value();
    private static final int EVENTS = 1024;

    private static final ConcurrentHashMap<Hub, AgentEpoll> OF_HUB = new ConcurrentHashMap<>();
    /** The last one looked up: most processes have one hub. */
    private static volatile AgentEpoll last;

    final Hub hub;
    private final FileDescriptor epfd;
    /** Netty's event array, used by whoever collects: the hub thread, or a greenlet pinned to it (never both). */
    private final Object events;
    private volatile boolean closed;

    private AgentEpoll(Hub hub) throws IOException {
        this.hub = hub;
        this.epfd = Native.newEpollCreate();
        try {
            this.events = NettyEpoll.newEventArray(EVENTS);
        } catch (Throwable e) {
            epfd.close();
            throw new IOException("gevent4j: cannot allocate an epoll event array", e);
        }
    }

    /** {@code hub}'s epoll set, created (and registered with the hub's loop) on first use; null if it can't be. */
    static AgentEpoll of(Hub hub) {
        AgentEpoll ep = last;
        if (ep != null && ep.hub == hub && !ep.closed) {
            return ep;
        }
        ep = OF_HUB.get(hub);
        if (ep == null || ep.closed) {
            ep = create(hub);
        }
        if (ep != null) {
            last = ep;
        }
        return ep;
    }

    private static synchronized AgentEpoll create(Hub hub) {
        AgentEpoll ep = OF_HUB.get(hub);
        if (ep != null && !ep.closed) {
            return ep;
        }
        if (!NettyEpoll.AVAILABLE || hub.isClosed()) {
            return null;
        }
        try {
            AgentEpoll created = new AgentEpoll(hub);
            hub.callSoon(created::registerOnHub);
            OF_HUB.put(hub, created);
            return created;
        } catch (IOException | IllegalStateException e) {
            return null;
        }
    }

    /** Hub thread: the hub's epoll watches this one (level triggered: a partly drained set is reported again). */
    private void registerOnHub() {
        try {
            io.netty.util.concurrent.Future<IoRegistration> f = Internals.eventLoop(hub).register(this);
            IoRegistration reg = f.getNow();
            if (reg == null) {
                throw new IOException("registering the agent's epoll set failed", f.cause());
            }
            reg.submit(EpollIoOps.valueOf(IN));
        } catch (Throwable e) {
            close(); // every waiter wakes, re-checks, and the next wait falls back to the JDK's poller
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Adds {@code fd} (edge triggered, in and out at once). Any thread. */
    void add(int fd) throws IOException {
        Native.epollCtlAdd(epfd.intValue(), fd, IN | OUT | RDHUP | ET);
    }

    /** Removes {@code fd}; an fd that is already gone is not an error. Any thread. */
    void remove(int fd) {
        if (closed) {
            return;
        }
        try {
            Native.epollCtlDel(epfd.intValue(), fd);
        } catch (IOException ignored) {
            // ENOENT/EBADF: the kernel dropped it already (the file was released by a dup2 in the JDK's preClose)
        }
    }

    @Override
    public FileDescriptor fd() {
        return epfd;
    }

    /** Hub thread: the nested set has events. */
    @Override
    public void handle(IoRegistration registration, IoEvent event) {
        collect(0);
    }

    /** Collects and dispatches ready events, waiting up to {@code timeoutMillis}. Returns the number collected. */
    private int collect(int timeoutMillis) {
        if (closed) {
            return 0;
        }
        int n;
        try {
            n = NettyEpoll.epollWait(epfd, events, timeoutMillis);
        } catch (Throwable e) {
            return 0;
        }
        for (int i = 0; i < n; i++) {
            int fd = NettyEpoll.fd(events, i);
            int ev = NettyEpoll.events(events, i);
            FdReadiness st = FdTable.get(fd);
            if (st != null && st.owner == this) { // else: closed meanwhile (a stale event for its number)
                boolean other = (ev & ~(IN | OUT | RDHUP)) != 0 || (ev & ERR) != 0; // EPOLLHUP, EPOLLERR
                if (other || (ev & RDHUP) != 0) {
                    st.hangup();
                }
                st.ready(other || (ev & (IN | RDHUP)) != 0, other || (ev & OUT) != 0);
            }
        }
        return n;
    }

    /**
     * Called on a greenlet of this hub that is about to park on the hub's thread itself (it is pinned: a class
     * initializer or native frame is on its stack), waiting for {@code wait}: the hub's loop cannot run until it
     * resumes, so it collects the events here, blocking, until its own wait is over (ready, closed, its deadline, or
     * {@code woken} says it was unparked by something else: a kill, an interrupt, a close).
     */
    void driveWhilePinned(SocketWait wait, java.util.function.BooleanSupplier woken) {
        while (!closed && !wait.getAsBoolean() && !woken.getAsBoolean()) {
            long left = wait.nanosLeft();
            if (left <= 0) {
                wait.timedOut();
                return;
            }
            collect((int) Math.max(1, Math.min(left / 1_000_000L, 50)));
        }
    }

    /** Netty closes the loop's registrations when the hub ends: the set and its fds' states go. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        OF_HUB.remove(hub, this);
        if (last == this) {
            last = null;
        }
        FdTable.dropOwner(this);
        try {
            epfd.close();
        } catch (IOException ignored) {
            // nothing registered can use it any more
        }
        NettyEpoll.free(events);
    }

    /** Netty's package-private epoll event array and wait, reached by method handles (no module flags needed). */
    private static final class NettyEpoll {
        static final boolean AVAILABLE;
        private static final MethodHandle NEW_ARRAY;
        private static final MethodHandle FREE;
        private static final MethodHandle FD;
        private static final MethodHandle EVENTS_OF;
        private static final MethodHandle WAIT;

        static {
            MethodHandle newArray = null;
            MethodHandle free = null;
            MethodHandle fd = null;
            MethodHandle eventsOf = null;
            MethodHandle wait = null;
            boolean ok;
            try {
                Class<?> array = Class.forName("io.netty.channel.epoll.EpollEventArray", true,
                        Native.class.getClassLoader());
                MethodHandles.Lookup l = MethodHandles.privateLookupIn(array, MethodHandles.lookup());
                newArray = l.findConstructor(array, MethodType.methodType(void.class, int.class))
                        .asType(MethodType.methodType(Object.class, int.class));
                free = l.findVirtual(array, "free", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                fd = l.findVirtual(array, "fd", MethodType.methodType(int.class, int.class))
                        .asType(MethodType.methodType(int.class, Object.class, int.class));
                eventsOf = l.findVirtual(array, "events", MethodType.methodType(int.class, int.class))
                        .asType(MethodType.methodType(int.class, Object.class, int.class));
                MethodHandles.Lookup n = MethodHandles.privateLookupIn(Native.class, MethodHandles.lookup());
                wait = n.findStatic(Native.class, "epollWait",
                                MethodType.methodType(int.class, FileDescriptor.class, array, int.class))
                        .asType(MethodType.methodType(int.class, FileDescriptor.class, Object.class, int.class));
                ok = true;
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                ok = false;
            }
            AVAILABLE = ok;
            NEW_ARRAY = newArray;
            FREE = free;
            FD = fd;
            EVENTS_OF = eventsOf;
            WAIT = wait;
        }

        static Object newEventArray(int n) throws Throwable {
            return (Object) NEW_ARRAY.invokeExact(n);
        }

        static void free(Object array) {
            try {
                FREE.invokeExact(array);
            } catch (Throwable ignored) {
                // freed already
            }
        }

        static int epollWait(FileDescriptor epfd, Object array, int timeoutMillis) throws Throwable {
            return (int) WAIT.invokeExact(epfd, array, timeoutMillis);
        }

        static int fd(Object array, int i) {
            try {
                return (int) FD.invokeExact(array, i);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }

        static int events(Object array, int i) {
            try {
                return (int) EVENTS_OF.invokeExact(array, i);
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
