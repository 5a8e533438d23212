package dev.gevent4j.io.internal;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Internals;
import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.LockSupport;

/**
 * One end of an OS pipe, non-blocking, whose readiness comes from a hub's epoll loop: a read or write that would
 * block parks the calling greenlet (or thread) until the hub's loop reports the fd ready. This is how a child
 * process's stdin, stdout and stderr are used without ever blocking a hub thread. Not API.
 *
 * <p>Thread contract: one reader or one writer at a time, from any thread (normally a greenlet of the hub);
 * {@link #close()} from any thread.
 */
public final class PipeFd implements EpollIoHandle {
    /*
     * Edge-triggered registration (EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET) made once, on the hub thread. The waiter
     * clears `ready` BEFORE it tries the syscall; the hub's handle() sets it and unparks the waiter; so an edge
     * between the failed syscall and the park is never lost. The fd is closed on the hub thread right after the
     * registration is cancelled, so a reused fd number can never receive this registration's events.
     */
    private static final int BUFFER = 64 * 1024;

    private final Hub hub;
    private final FileDescriptor fd;
    private final boolean readEnd;
    private volatile IoRegistration registration;
    private volatile Throwable registrationFailure;
    private volatile boolean registering;
    private volatile boolean ready;
    private volatile boolean closed;
    private volatile Thread waiter;
    private ByteBuffer buffer;

    private PipeFd(Hub hub, FileDescriptor fd, boolean readEnd) {
        this.hub = hub;
        this.fd = fd;
        this.readEnd = readEnd;
    }

    /** Creates a pipe: [0] read end, [1] write end, both non-blocking; neither registered yet. */
    public static FileDescriptor[] newPipe() throws IOException {
        if (!Epoll.isAvailable()) {
            throw new UnsupportedOperationException("gevent4j subprocess pipes need Linux native epoll, which is "
                    + "unavailable here: " + Epoll.unavailabilityCause());
        }
        return FileDescriptor.pipe();
    }

    /** Wraps one end of a pipe for use through {@code hub}'s loop; it registers on first use. */
    public static PipeFd of(Hub hub, FileDescriptor fd, boolean readEnd) {
        if (!"epoll".equals(hub.ioType())) {
            throw new UnsupportedOperationException("gevent4j subprocess pipes need a hub on native epoll; " + hub
                    + " uses " + hub.ioType() + " (see gevent4j.loop)");
        }
        return new PipeFd(hub, fd, readEnd);
    }

    /** The OS fd number. */
    public int intValue() {
        return fd.intValue();
    }

    /** Reads up to {@code len} bytes; -1 at end of stream. Parks (never blocks a hub) while nothing is there. */
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        ByteBuffer buf = buffer();
        while (true) {
            checkOpen();
            ready = false;
            int n;
            synchronized (this) {
                checkOpen();
                n = fd.read(buf, 0, Math.min(len, BUFFER));
            }
            if (n > 0) {
                buf.get(0, b, off, n);
                return n;
            }
            if (n < 0) {
                return -1;
            }
            awaitReady();
        }
    }

    /** Writes all of {@code b[off, off+len)}, parking while the pipe is full. */
    public void write(byte[] b, int off, int len) throws IOException {
        ByteBuffer buf = buffer();
        while (len > 0) {
            int chunk = Math.min(len, BUFFER);
            buf.put(0, b, off, chunk);
            int done = 0;
            while (done < chunk) {
                checkOpen();
                ready = false;
                int n;
                synchronized (this) {
                    checkOpen();
                    n = fd.write(buf, done, chunk);
                }
                if (n > 0) {
                    done += n;
                } else {
                    awaitReady();
                }
            }
            off += chunk;
            len -= chunk;
        }
    }

    private ByteBuffer buffer() {
        ByteBuffer b = buffer;
        if (b == null) {
            b = ByteBuffer.allocateDirect(BUFFER);
            buffer = b;
        }
        return b;
    }

    private void checkOpen() throws IOException {
        if (closed) {
            throw new IOException("the " + (readEnd ? "read" : "write") + " end of the pipe is closed");
        }
    }

    private void awaitReady() throws IOException {
        ensureRegistered();
        Thread me = Thread.currentThread();
        waiter = me;
        try {
            Internals.await(() -> ready || closed, Durations.FOREVER, false, null, this);
        } finally {
            waiter = null;
        }
        checkOpen();
    }

    private void ensureRegistered() throws IOException {
        if (registration != null) {
            return;
        }
        if (!registering) {
            registering = true;
            Thread me = Thread.currentThread();
            Future<IoRegistration> f = Internals.eventLoop(hub).register(this);
            f.addListener(done -> {
                if (done.isSuccess()) {
                    IoRegistration r = (IoRegistration) done.getNow();
                    try {
                        r.submit(EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLOUT).with(EpollIoOps.EPOLLRDHUP)
                                .with(EpollIoOps.EPOLLET));
                        Internals.ioRegistered(hub, 1);
                        registration = r;
                        if (closed) {
                            closeOnHub();
                        }
                    } catch (RuntimeException e) {
                        r.cancel();
                        registrationFailure = e;
                    }
                } else {
                    registrationFailure = done.cause();
                }
                ready = true; // the edge may have come before the registration: let the waiter retry once
                LockSupport.unpark(me);
            });
        }
        Internals.await(() -> registration != null || registrationFailure != null || closed, Durations.FOREVER,
                false, null, this);
        if (registrationFailure != null) {
            throw new IOException("cannot watch a pipe on " + hub + ": " + registrationFailure, registrationFailure);
        }
    }

    /** Called by the hub's loop, on the hub thread. */
    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        ready = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    /**
     * Closes this end: a waiting reader or writer gets an IOException. The fd is closed on the hub thread after its
     * registration is cancelled (at once if it was never registered). Idempotent; any thread.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
        if (registering) {
            try {
                Internals.eventLoop(hub).execute(this::closeOnHub);
                return;
            } catch (RuntimeException e) {
                // the hub's loop is shut down: its epoll instance is gone, so closing here is safe
            }
        }
        closeFd();
    }

    private void closeOnHub() {
        IoRegistration r = registration;
        if (r != null && r.cancel()) {
            Internals.ioRegistered(hub, -1);
        }
        if (r != null || registrationFailure != null) {
            closeFd();
        }
        // else: the registration is still in flight; its listener sees `closed` and calls closeOnHub again
    }

    private void closeFd() {
        synchronized (this) {
            try {
                fd.close();
            } catch (IOException e) {
                // already closed
            }
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }
}
