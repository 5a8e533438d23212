package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * What a hub knows about one JDK socket fd in its {@link AgentEpoll} set, from the greenlet's first wait until the
 * socket is closed: two counters the hub bumps on each edge (readable, writable), and the greenlets waiting.
 *
 * <pre>{@code
 * int seq = st.seq(read);
 * if (st.edgeSinceLastWait(read, seq)) return;   // the JDK retries its non-blocking call: no wait, no syscall
 * // else park until st.seq(read) != seq (SocketWait)
 * }</pre>
 *
 * <p>Why "since the last wait" is enough with edge-triggered epoll: the JDK only waits after its non-blocking call
 * found nothing, and a waiter records the counter when it resumes, before the JDK's next try. An edge after that
 * record moves the counter, so the next wait returns at once (at worst one extra try); an edge before it was already
 * visible to that try. Counters: written by the collecting thread (the hub, or a greenlet pinned to it), read by any.
 */
final class FdReadiness {
    final int fd;
    final AgentEpoll owner;
    private volatile int readSeq;
    private volatile int writeSeq;
    /** The counters as the last waiter for each event saw them when it resumed. */
    private volatile int readSeen;
    private volatile int writeSeen;
    volatile boolean closed;
    /** The reader's side (the JDK's read lock allows one reader): the counter before its last read, and whether that
     * read drained the socket (would block, or fewer bytes than asked: a stream socket's queue was empty then). */
    private int readTrySeq;
    private int drainedSeq;
    private boolean drained;
    /**
     * Set for good by the collector on EPOLLRDHUP, EPOLLHUP or EPOLLERR: a FIN, RST or error may wait behind the data
     * a short read returned, so no read is skipped any more.
     */
    private volatile boolean hangup;
    /** The usual case: one reader and one writer (the JDK's socket locks allow no more). Others queue below. */
    private volatile SocketWait reader;
    private volatile SocketWait writer;
    private volatile ConcurrentLinkedQueue<SocketWait> others;

    FdReadiness(int fd, AgentEpoll owner) {
        this.fd = fd;
        this.owner = owner;
    }

    int seq(boolean read) {
        return read ? readSeq : writeSeq;
    }

    /** Whether an edge came since the last wait for this event resumed; if so, records it as seen. */
    boolean edgeSinceLastWait(boolean read, int seq) {
        if (read) {
            if (seq != readSeen) {
                readSeen = seq;
                return true;
            }
        } else if (seq != writeSeen) {
            writeSeen = seq;
            return true;
        }
        return false;
    }

    /** A waiter resumed: records what it saw, before the JDK's next non-blocking try. */
    void seen(boolean read) {
        if (read) {
            readSeen = readSeq;
        } else {
            writeSeen = writeSeq;
        }
    }

    /**
     * Before a greenlet's non-blocking read: true if it can only find nothing — the last read drained the socket and
     * no edge came since (any byte that arrived after that read brings an edge, which the hub has not collected yet).
     * Then the read is skipped and the greenlet waits for the edge instead: no failed {@code read(2)}.
     */
    boolean skipRead() {
        int s = readSeq;
        if (drained && drainedSeq == s && !hangup) {
            return true;
        }
        readTrySeq = s;
        return false;
    }

    /** After the read that {@link #skipRead} let through: {@code n} of {@code len} bytes (-2: would block). */
    void afterRead(int n, int len) {
        if (n == -2 || (n > 0 && n < len)) {
            drainedSeq = readTrySeq;
            drained = true;
        } else {
            drained = false;
        }
    }

    boolean hangupSeen() {
        return hangup;
    }

    /** The collecting thread: EPOLLRDHUP, EPOLLHUP or EPOLLERR (before the edge is counted). */
    void hangup() {
        hangup = true;
    }

    /** The collecting thread: an edge. Wakes the waiters of the events it moved. */
    void ready(boolean read, boolean write) {
        if (read) {
            readSeq++;
        }
        if (write) {
            writeSeq++;
        }
        wake(read, write);
    }

    /**
     * The socket is being closed or shut down ({@code stopPoll}): counted as an edge of the given directions, so every
     * waiter re-checks. Any thread.
     */
    void stop(boolean read, boolean write) {
        ready(read, write);
    }

    private void wake(boolean read, boolean write) {
        SocketWait w;
        if (read && (w = reader) != null) {
            LockSupport.unpark(w.thread);
        }
        if (write && (w = writer) != null) {
            LockSupport.unpark(w.thread);
        }
        ConcurrentLinkedQueue<SocketWait> q = others;
        if (q != null) {
            for (SocketWait o : q) {
                if (o.read ? read : write) {
                    LockSupport.unpark(o.thread);
                }
            }
        }
    }

    void addWaiter(SocketWait w) {
        if (w.read && reader == null) {
            reader = w;
        } else if (!w.read && writer == null) {
            writer = w;
        } else {
            ConcurrentLinkedQueue<SocketWait> q = others;
            if (q == null) {
                synchronized (this) {
                    q = others;
                    if (q == null) {
                        q = others = new ConcurrentLinkedQueue<>();
                    }
                }
            }
            q.add(w);
        }
    }

    void removeWaiter(SocketWait w) {
        if (reader == w) {
            reader = null;
        } else if (writer == w) {
            writer = null;
        } else {
            ConcurrentLinkedQueue<SocketWait> q = others;
            if (q != null) {
                q.remove(w);
            }
        }
    }

    int waiters() {
        ConcurrentLinkedQueue<SocketWait> q = others;
        return (reader != null ? 1 : 0) + (writer != null ? 1 : 0) + (q != null ? q.size() : 0);
    }

    /** The wait of {@code t} on this fd, or null (the pinned-park hook looks for it). */
    SocketWait waitOf(Thread t) {
        SocketWait w = reader;
        if (w != null && w.thread == t) {
            return w;
        }
        w = writer;
        if (w != null && w.thread == t) {
            return w;
        }
        ConcurrentLinkedQueue<SocketWait> q = others;
        if (q != null) {
            for (SocketWait o : q) {
                if (o.thread == t) {
                    return o;
                }
            }
        }
        return null;
    }

    /** Counts this fd in its hub's IO registrations (what leak checks and {@code Gevent.dump} show). */
    void count(int delta) {
        Hub hub = owner.hub;
        if (Hub.current() == hub) {
            Internals.ioRegistered(hub, delta); // this greenlet runs on the hub's thread
        } else {
            try {
                hub.callSoon(() -> Internals.ioRegistered(hub, delta));
            } catch (IllegalStateException closed) {
                // the hub is gone and its counters with it
            }
        }
    }
}
