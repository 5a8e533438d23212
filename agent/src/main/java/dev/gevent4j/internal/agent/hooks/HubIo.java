package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import io.netty.channel.IoRegistration;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A hub's table of raw JDK fds registered with its epoll loop on behalf of waiting greenlets: one {@link FdWatch}
 * per fd, holding at most one reader and one writer.
 *
 * <pre>{@code
 * HubIo.of(hub).add(pollWait);   // on the hub thread
 * }</pre>
 *
 * <p>MUST be used on the hub thread only (it is a thread-local of the hub thread). Nothing here blocks.
 */
final class HubIo {
    private static final ThreadLocal<HubIo> OF_HUB_THREAD = new ThreadLocal<>();

    final Hub hub;
    private final Map<Integer, FdWatch> watches = new HashMap<>();

    private HubIo(Hub hub) {
        this.hub = hub;
    }

    /** The calling hub thread's table. MUST be called on {@code hub}'s thread. */
    static HubIo of(Hub hub) {
        HubIo io = OF_HUB_THREAD.get();
        if (io == null) {
            io = new HubIo(hub);
            OF_HUB_THREAD.set(io);
        }
        return io;
    }

    void add(PollWait w) throws Exception {
        FdWatch watch = watches.get(w.fd);
        if (watch == null) {
            watch = new FdWatch(this, w.fd);
            io.netty.util.concurrent.Future<IoRegistration> f = Internals.eventLoop(hub).register(watch);
            IoRegistration reg = f.getNow();
            if (reg == null) {
                throw new IOException("gevent4j: registering fd " + w.fd + " with hub " + hub.getName() + " failed",
                        f.cause());
            }
            watch.registration = reg;
            watches.put(w.fd, watch);
            Internals.ioRegistered(hub, 1);
        }
        watch.add(w);
    }

    /** The watch has no waiter left: it was cancelled (EPOLL_CTL_DEL) and leaves the table. */
    void removed(FdWatch watch) {
        if (watches.remove(watch.fdVal, watch)) {
            Internals.ioRegistered(hub, -1);
        }
    }

    int size() {
        return watches.size();
    }
}
