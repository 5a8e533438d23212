package dev.gevent4j.internal;

import dev.gevent4j.Hub;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Readiness of one non-blocking JDK channel (a socket, server socket or datagram channel the runtime created) for
 * greenlets, from its hub's epoll loop. Greenlets wait in gevent4j's own wait ({@link Internals#await}), so a kill or
 * Timeout is raised right there and never reaches the JDK's channel code as an interrupt (which would close it).
 *
 * <pre>{@code
 * HubFd fd = new HubFd(channel);          // channel.configureBlocking(false) already
 * int seq = fd.readSeq();
 * int n = channel.read(buf);              // 0: would block
 * if (n == 0) fd.awaitReadable(seq, timeoutNanos);
 * }</pre>
 *
 * <p>The fd is registered with the epoll loop of the hub of the first greenlet that waits (EPOLL_CTL_ADD, edge
 * triggered, in and out at once) and stays registered until {@link #close} (EPOLL_CTL_DEL, run on the hub thread
 * together with the channel's close, so the fd number cannot be reused while still registered). Readiness is
 * remembered as two counters bumped by the hub on each edge: a waiter reads the counter, tries its non-blocking call,
 * and on "would block" waits until the counter moves, so an edge between the try and the wait is never lost.
 *
 * <p>Outside a greenlet, or on a hub without epoll, waits use a temporary JDK {@link java.nio.channels.Selector}
 * (the JDK's own blocking).
 */
public final class HubFd implements EpollIoHandle {
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    private static final int RDHUP = EpollIoOps.EPOLLRDHUP.value();
    private static final int ET = EpollIoOps.EPOLLET.value();

    private final SelectableChannel channel;
    private final int fdVal;
    private final FileDescriptor fd;
    /**
     * The waiting threads: two slots (a reader and a writer is the usual most), then a queue for the rare others.
     * Slots, not just a queue: a queue node per wait and an iterator per edge were a measurable share of a message.
     */
    private volatile Thread slot0;
    private volatile Thread slot1;
    private volatile ConcurrentLinkedQueue<Thread> moreWaiters;
    private static final java.lang.invoke.VarHandle SLOT0;
    private static final java.lang.invoke.VarHandle SLOT1;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            SLOT0 = l.findVarHandle(HubFd.class, "slot0", Thread.class);
            SLOT1 = l.findVarHandle(HubFd.class, "slot1", Thread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int readSeq;
    /** Set for good on EPOLLRDHUP, EPOLLHUP or EPOLLERR (see {@link #hangup()}). */
    private volatile boolean hangup;
    private volatile int writeSeq;
    /** The hub whose epoll holds this fd (set when the registration is asked for), or null. */
    private volatile Hub owner;
    /** Hub-confined: the live registration. */
    private IoRegistration registration;
    private volatile boolean registered;
    private volatile boolean closed;
    /** A registration task is queued on {@link #owner}: a close must then go through the hub too. */
    private volatile boolean pending;

    public HubFd(SelectableChannel channel) throws IOException {
        this.channel = channel;
        this.fdVal = ChannelFds.fdVal(channel);
        this.fd = new FileDescriptor(fdVal);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    public int readSeq() {
        return readSeq;
    }

    public int writeSeq() {
        return writeSeq;
    }

    /**
     * Whether the calling greenlet's waits are woken by this fd's edges (it is registered with the calling greenlet's
     * hub): only then may a read that can only find nothing be skipped in favour of a wait for the next edge.
     */
    public boolean edgesWakeCaller() {
        Hub o = owner;
        return registered && o != null && Hub.current() == o;
    }

    /** Whether the hub saw a FIN, RST or error edge: then data may be followed by an end of stream or an error. */
    public boolean hangup() {
        return hangup;
    }

    /** Number of the fd, for tests. */
    public int fdVal() {
        return fdVal;
    }

    /** Whether the fd is registered with a hub's epoll (for tests). */
    public boolean isRegistered() {
        return registered;
    }

    /**
     * Waits until the fd may be readable (an edge after {@code seq} was read), the channel is closed, or
     * {@code timeoutNanos} passes ({@link Durations#FOREVER}: no timeout). In a greenlet a kill or Timeout is raised
     * here and the channel is left as it was.
     *
     * @return false if the timeout passed first
     */
    public boolean awaitReadable(int seq, long timeoutNanos) throws IOException {
        return await(true, seq, timeoutNanos);
    }

    /** As {@link #awaitReadable}, for writability. */
    public boolean awaitWritable(int seq, long timeoutNanos) throws IOException {
        return await(false, seq, timeoutNanos);
    }

    private boolean await(boolean read, int seq, long timeoutNanos) throws IOException {
        checkNotClosed();
        Hub hub = Hub.current();
        if (hub == null || hub.isClosed() || !"epoll".equals(hub.ioType())) {
            try {
                return Selectors.await(channel, read, timeoutNanos);
            } finally {
                if (hub != null) {
                    Internals.await(() -> true, 0L, false, null, this); // raises a kill that came as an interrupt
                }
            }
        }
        Hub o = owner;
        if (o == null || o.isClosed()) {
            register(hub);
        }
        Thread me = Thread.currentThread();
        addWaiter(me);
        boolean ready;
        try {
            ready = Internals.await(new Moved(this, read, seq), timeoutNanos, false, null, this);
        } finally {
            removeWaiter(me);
        }
        checkNotClosed(); // the close may still be on its way to the hub: the caller must not retry and spin
        return ready;
    }

    private void checkNotClosed() throws java.net.SocketException {
        if (closed) {
            throw new java.net.SocketException("Socket closed");
        }
    }

    /** The wait's condition (a named class, loaded by {@link #preload()}: no class loading while out of fds). */
    private static final class Moved implements java.util.function.BooleanSupplier {
        private final HubFd fd;
        private final boolean read;
        private final int seq;

        Moved(HubFd fd, boolean read, int seq) {
            this.fd = fd;
            this.read = read;
            this.seq = seq;
        }

        @Override
        public boolean getAsBoolean() {
            return fd.closed || !fd.channel.isOpen() || (read ? fd.readSeq : fd.writeSeq) != seq;
        }
    }

    /**
     * Loads the classes a wait and a close need, so that a server under fd exhaustion (EMFILE) never has to open a
     * class file in the middle of a read. Called when a listener is created.
     */
    public static void preload() {
        Class<?>[] classes = {Internals.class, Selectors.class, ChannelFds.class, Moved.class, CloseTask.class,
                Durations.class};
        try {
            for (Class<?> c : classes) {
                Class.forName(c.getName(), true, c.getClassLoader()); // initialized too (Internals loads its hooks)
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asks {@code hub} to add the fd to its epoll (once per hub; its readiness is then reported by edges). */
    private synchronized void register(Hub hub) {
        Hub o = owner;
        if (o == hub || closed) {
            return;
        }
        owner = hub;
        try {
            pending = true;
            hub.callSoon(() -> registerOnHub(hub));
        } catch (IllegalStateException hubClosed) {
            pending = false;
            owner = null;
        }
    }

    private void registerOnHub(Hub hub) {
        pending = false;
        if (closed || owner != hub || registration != null) {
            wakeAll();
            return;
        }
        try {
            io.netty.util.concurrent.Future<IoRegistration> f = Internals.eventLoop(hub).register(this);
            IoRegistration reg = f.getNow();
            if (reg == null) {
                throw new IOException("registering fd " + fdVal + " failed", f.cause());
            }
            registration = reg;
            reg.submit(EpollIoOps.valueOf(IN | OUT | RDHUP | ET));
            registered = true;
        } catch (Throwable e) {
            if (registration != null) {
                registration.cancel();
                registration = null;
            }
            registered = false;
            owner = null;
        }
        // an edge that came before the registration is reported by EPOLL_CTL_ADD; wake waiters to re-check anyway
        readSeq++;
        writeSeq++;
        wakeAll();
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        int v = ((EpollIoEvent) event).ops().value();
        boolean other = (v & ~(IN | OUT | RDHUP)) != 0 || (v & ERR) != 0;
        if (other || (v & RDHUP) != 0) {
            hangup = true; // before the counter moves: a reader that sees the new count sees this too
        }
        if (other || (v & (IN | RDHUP)) != 0) {
            readSeq++;
        }
        if (other || (v & OUT) != 0) {
            writeSeq++;
        }
        wakeAll();
    }

    private void addWaiter(Thread t) {
        if (SLOT0.compareAndSet(this, null, t) || SLOT1.compareAndSet(this, null, t)) {
            return;
        }
        ConcurrentLinkedQueue<Thread> q = moreWaiters;
        if (q == null) {
            synchronized (this) {
                q = moreWaiters;
                if (q == null) {
                    q = moreWaiters = new ConcurrentLinkedQueue<>();
                }
            }
        }
        q.add(t);
    }

    private void removeWaiter(Thread t) {
        if (!SLOT0.compareAndSet(this, t, null) && !SLOT1.compareAndSet(this, t, null)) {
            ConcurrentLinkedQueue<Thread> q = moreWaiters;
            if (q != null) {
                q.remove(t);
            }
        }
    }

    /** Wakes every waiter: they re-check (shutdown, close). Any thread. */
    public void wakeAll() {
        Thread t = slot0;
        if (t != null) {
            LockSupport.unpark(t);
        }
        t = slot1;
        if (t != null) {
            LockSupport.unpark(t);
        }
        ConcurrentLinkedQueue<Thread> q = moreWaiters;
        if (q != null) {
            for (Thread o : q) {
                LockSupport.unpark(o);
            }
        }
    }

    /** Marks input/output shut down: waiters re-check. Any thread. */
    public void shutdown() {
        readSeq++;
        writeSeq++;
        wakeAll();
    }

    /**
     * Removes the fd from its hub's epoll, then runs {@code closer} (which closes the channel), both on the hub
     * thread when the fd is registered, so that the fd number is never reused while registered; the caller returns
     * once both are done. Idempotent. Any thread but the hub's own.
     */
    public void close(Closeable closer) throws IOException {
        Hub o;
        boolean viaHub;
        synchronized (this) { // against register(): a queued registration is seen here, and none starts after
            closed = true;
            o = owner;
            viaHub = o != null && (registered || pending);
        }
        if (!viaHub) {
            try {
                closer.close();
            } finally {
                wakeAll();
            }
            return;
        }
        CloseTask task = new CloseTask(this, closer, Thread.currentThread());
        if (o.thread() == Thread.currentThread()) {
            task.run();
        } else {
            try {
                Internals.eventLoop(o).execute(task);
            } catch (RuntimeException rejected) {
                task.run(); // the loop is gone, and its epoll with it
            }
            // Not a gevent4j wait: a kill must not leave the fd half-closed. It stays pending for the next wait.
            boolean interrupted = false;
            while (!task.done) {
                LockSupport.parkNanos(this, 20_000_000L);
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (!task.done && o.isClosed() && !o.thread().isAlive()) {
                    task.run();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        IOException failure = task.failure;
        if (failure != null) {
            throw failure;
        }
    }

    /** Hub thread (or anywhere once the hub's loop is gone): EPOLL_CTL_DEL, then the channel's close. */
    private static final class CloseTask implements Runnable {
        private final HubFd fd;
        private final Closeable closer;
        private final Thread closing;
        private final java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        volatile boolean done;
        volatile IOException failure;

        CloseTask(HubFd fd, Closeable closer, Thread closing) {
            this.fd = fd;
            this.closer = closer;
            this.closing = closing;
        }

        @Override
        public void run() {
            if (!ran.compareAndSet(false, true)) {
                return;
            }
            try {
                IoRegistration reg = fd.registration;
                if (reg != null) {
                    reg.cancel();
                    fd.registration = null;
                }
                fd.registered = false;
                closer.close();
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException e) {
                failure = new IOException(e);
            } finally {
                done = true;
                fd.wakeAll();
                LockSupport.unpark(closing);
            }
        }
    }

    @Override
    public void close() {
        // the channel owns the fd; see close(Closeable)
    }
}
