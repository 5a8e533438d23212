package dev.gevent4j.internal.agent.hooks;

import java.io.IOException;

/**
 * The process's table of JDK socket fds registered with a hub's {@link AgentEpoll}, by fd number: an fd enters on its
 * first greenlet wait and leaves when the JDK closes it ({@link #closing}), before {@code close(2)}, so that its number
 * can never be reused while registered.
 *
 * <pre>{@code
 * FdReadiness st = FdTable.register(fd, AgentEpoll.of(hub));   // null: epoll refuses this fd
 * FdTable.closing(fd);                                        // the JDK is about to close it (any thread)
 * }</pre>
 *
 * <p>Reads are lock-free (a volatile array indexed by fd number); registration and removal lock the table.
 */
final class FdTable {
    private static volatile FdReadiness[] table = new FdReadiness[1024];

    private FdTable() {}

    /** The state of {@code fd}, or null. Any thread. */
    static FdReadiness get(int fd) {
        FdReadiness[] t = table;
        return fd >= 0 && fd < t.length ? t[fd] : null;
    }

    /**
     * The state of {@code fd}: as registered by a hub that still lives, else added to {@code ep} (an fd whose hub
     * closed moves to {@code ep}). Returns null if epoll refuses the fd. Any thread.
     */
    static FdReadiness register(int fd, AgentEpoll ep) {
        if (fd < 0) {
            return null;
        }
        FdReadiness old;
        FdReadiness st;
        synchronized (FdTable.class) {
            old = get(fd);
            if (old != null && !old.closed && !old.owner.isClosed()) {
                return old; // registered by a hub that lives: its edges wake waiters of any hub
            }
            if (old != null) {
                table[fd] = null; // owned by a set that is gone with its hub: moves here
                old.owner.remove(fd);
            }
            try {
                ep.add(fd);
            } catch (IOException e) {
                st = null;
                if (old != null) {
                    old.closed = true;
                }
                return null;
            }
            st = new FdReadiness(fd, ep);
            FdReadiness[] t = table;
            if (fd >= t.length) {
                t = java.util.Arrays.copyOf(t, Math.max(fd + 1, t.length * 2));
            }
            t[fd] = st;
            table = t;
        }
        if (old != null) {
            old.closed = true;
            old.stop(true, true);
            old.count(-1);
        }
        st.count(1);
        return st;
    }

    /** The JDK is about to close {@code fd}: it leaves its epoll set now, and its waiters wake. Any thread. */
    static void closing(int fd) {
        FdReadiness st = get(fd);
        if (st == null) {
            return;
        }
        synchronized (FdTable.class) {
            if (table[fd] != st) {
                return;
            }
            table[fd] = null;
            st.owner.remove(fd);
            st.closed = true;
        }
        st.stop(true, true);
        st.count(-1);
    }

    /** A hub's set was closed with its hub: its fds leave the table (their epoll set is gone with it). */
    static void dropOwner(AgentEpoll ep) {
        FdReadiness[] t = table;
        for (int i = 0; i < t.length; i++) {
            FdReadiness st = t[i];
            if (st != null && st.owner == ep) {
                synchronized (FdTable.class) {
                    if (table[i] == st) {
                        table[i] = null;
                    }
                }
                st.closed = true;
                st.stop(true, true);
            }
        }
    }

    /** The registered fd numbers, for tests. */
    static int[] numbers() {
        FdReadiness[] t = table;
        return java.util.stream.IntStream.range(0, t.length).filter(i -> t[i] != null).toArray();
    }

    /** Number of registered fds, for tests. */
    static int size() {
        int n = 0;
        for (FdReadiness st : table) {
            if (st != null) {
                n++;
            }
        }
        return n;
    }

    /** Number of greenlets waiting on registered fds, for tests. */
    static int waiters() {
        int n = 0;
        for (FdReadiness st : table) {
            if (st != null) {
                n += st.waiters();
            }
        }
        return n;
    }

    /** The wait of {@code t} on any fd of {@code ep}, or null: only a pinned park looks (rare), so a scan. */
    static SocketWait waitOf(Thread t, AgentEpoll ep) {
        for (FdReadiness st : table) {
            if (st != null && st.owner == ep) {
                SocketWait w = st.waitOf(t);
                if (w != null) {
                    return w;
                }
            }
        }
        return null;
    }
}
