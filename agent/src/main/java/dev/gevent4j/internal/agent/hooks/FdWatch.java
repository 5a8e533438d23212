package dev.gevent4j.internal.agent.hooks;

import io.netty.channel.IoEvent;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.io.IOException;

/**
 * A raw JDK fd registered with a hub's Netty epoll loop while greenlets wait on it. The JDK owns the fd, so
 * {@link #close()} does nothing; the registration is cancelled (EPOLL_CTL_DEL) as soon as no greenlet waits, which
 * is always before the waiter resumes and the JDK can close the fd.
 *
 * <pre>{@code
 * FdWatch w = new FdWatch(hubIo, fd);   // registered by HubIo; interest = EPOLLIN for a reader, EPOLLOUT for a writer
 * }</pre>
 *
 * <p>MUST be used on the hub thread only. Nothing here blocks.
 */
final class FdWatch implements EpollIoHandle {
    private static final int IN = EpollIoOps.EPOLLIN.value();
    private static final int OUT = EpollIoOps.EPOLLOUT.value();
    private static final int ERR = EpollIoOps.EPOLLERR.value();
    private static final int RDHUP = EpollIoOps.EPOLLRDHUP.value();
    private static final int KNOWN = IN | OUT | ERR | RDHUP;

    private final HubIo io;
    final int fdVal;
    private final FileDescriptor fd;
    IoRegistration registration;
    private PollWait reader;
    private PollWait writer;

    FdWatch(HubIo io, int fdVal) {
        this.io = io;
        this.fdVal = fdVal;
        this.fd = new FileDescriptor(fdVal);
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    void add(PollWait w) throws IOException {
        if (w.read) {
            if (reader != null && reader != w) {
                reader.ready(); // a second reader: wake the first (a spurious wake-up; it re-checks)
            }
            reader = w;
        } else {
            if (writer != null && writer != w) {
                writer.ready();
            }
            writer = w;
        }
        w.watch = this;
        try {
            submit();
        } catch (RuntimeException e) {
            if (w.read) {
                reader = null;
            } else {
                writer = null;
            }
            w.watch = null;
            if (reader == null && writer == null) {
                cancel();
            }
            throw new NotPollableException("gevent4j: epoll_ctl failed for fd " + fdVal,
                    e.getCause() != null ? e.getCause() : e);
        }
    }

    void remove(PollWait w) {
        if (reader == w) {
            reader = null;
        }
        if (writer == w) {
            writer = null;
        }
        update();
    }

    private void submit() {
        int ops = (reader != null ? IN | RDHUP : 0) | (writer != null ? OUT : 0);
        registration.submit(EpollIoOps.valueOf(ops));
    }

    private void update() {
        if (reader == null && writer == null) {
            cancel();
        } else {
            try {
                submit();
            } catch (RuntimeException e) {
                // the fd went away under us: wake everyone, they re-check and see the JDK's error
                PollWait r = reader;
                PollWait wr = writer;
                reader = writer = null;
                cancel();
                if (r != null) {
                    r.ready();
                }
                if (wr != null) {
                    wr.ready();
                }
            }
        }
    }

    private void cancel() {
        if (registration != null) {
            registration.cancel();
        }
        io.removed(this);
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        int v = ((EpollIoEvent) event).ops().value();
        boolean other = (v & ~KNOWN) != 0 || (v & ERR) != 0; // EPOLLHUP, EPOLLERR: wake both
        PollWait r = null;
        PollWait w = null;
        if (reader != null && (other || (v & (IN | RDHUP)) != 0)) {
            r = reader;
            reader = null;
        }
        if (writer != null && (other || (v & OUT) != 0)) {
            w = writer;
            writer = null;
        }
        if (r == null && w == null && reader == null && writer == null) {
            cancel();
            return;
        }
        update();
        if (r != null) {
            r.ready();
        }
        if (w != null) {
            w.ready();
        }
    }

    @Override
    public void close() {
        // The JDK owns the fd: never close it here.
    }
}
