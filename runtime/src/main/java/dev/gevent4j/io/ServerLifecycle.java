package dev.gevent4j.io;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.HubGroup;
import dev.gevent4j.internal.Durations;
import dev.gevent4j.io.internal.HandlerGroup;
import dev.gevent4j.pool.Pool;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * The life of a server, shared by {@link StreamServer} and {@link DatagramServer}: the options both have
 * (SO_REUSEADDR, SO_REUSEPORT, the stop timeout, the hub or hub group), the states new, started and stopped, the checks and the
 * hub choice of {@code start()}, {@code serveForever()}, {@code isServing()} and {@code stop(grace)}. The server
 * gives what differs: how its socket is bound and closed, the loop that receives, and how stop's log lines name it.
 *
 * <pre>{@code
 * life = new ServerLifecycle(this::bind, this::acceptLoop, () -> closeQuietly(listener), () -> "StreamServer " + port);
 * // bind(reuseAddress, reusePort, count) binds count sockets; acceptLoop(i) serves socket i on hub i of a group
 * public StreamServer reusePort(boolean on) { return life.reusePort(on, this); }
 * public void serveForever() throws IOException { life.serveForever(this::start); }
 * }</pre>
 *
 * <p>Timeout, interrupt and kill: {@link #stop(Duration)} closes the socket (which wakes the loop), kills the loop
 * greenlet if it waits elsewhere (for room in a full pool), waits up to the grace period for the running handlers,
 * then kills them and waits up to one more second; a greenlet killed (or given a {@code Timeout}) in
 * {@link #serveForever} stops the server with the stop timeout first. Thread contract: any thread may call any
 * method; options MUST be set before start.
 */
final class ServerLifecycle {
    /*
     * Composition rather than a shared superclass: every public option setter must keep its own return type (the
     * fluent StreamServer/DatagramServer) and its own javadoc, and both servers stay final classes with no non-API
     * supertype. A generic package-private base class would return an erased package-private type from inherited
     * public methods and give one javadoc to both servers; the forwarding this needs is one line per method
     * (return life.reusePort(on, this)). The lock is this object, not the server: nothing outside locks either.
     */

    /**
     * Opens the server's socket(s) with these options and binds them: {@code count} sockets on one port (count > 1
     * only on a hub group, with SO_REUSEPORT on); on failure it closes what it opened and throws.
     */
    @FunctionalInterface
    interface Binder {
        void bind(boolean reuseAddress, boolean reusePort, int count) throws IOException;
    }

    /** The server's own {@code start()}, which {@link #serveForever} calls on a new server. */
    @FunctionalInterface
    interface Starter {
        void start() throws IOException;
    }

    private enum State { NEW, STARTED, STOPPED }

    private final Binder binder;
    private final IntConsumer loopBody;
    private final Runnable closeSocket;
    private final Supplier<String> stopLabel;

    private boolean reuseAddress = true;
    private boolean reusePort;
    private Duration stopTimeout = Duration.ofSeconds(1);
    private Hub hub;
    private HubGroup group;

    private volatile State state = State.NEW;
    private volatile List<Greenlet<Void>> loops = List.of();
    private HandlerGroup handlers;

    /**
     * @param binder      binds the socket at start (under this object's lock) and keeps it in the server
     * @param loopBody    the body of loop greenlet i (of socket i): receives and spawns handlers while
     *                    {@link #isServing()}
     * @param closeSocket closes the socket at stop (wakes the loop); must not throw
     * @param stopLabel   how stop's log lines name the server; read after {@code closeSocket}
     */
    ServerLifecycle(Binder binder, IntConsumer loopBody, Runnable closeSocket, Supplier<String> stopLabel) {
        this.binder = binder;
        this.loopBody = loopBody;
        this.closeSocket = closeSocket;
        this.stopLabel = stopLabel;
    }

    <S> S reuseAddress(boolean on, S server) {
        checkNew();
        reuseAddress = on;
        return server;
    }

    <S> S reusePort(boolean on, S server) {
        checkNew();
        reusePort = on;
        return server;
    }

    <S> S stopTimeout(Duration grace, S server) {
        checkNew();
        Durations.requiredNanos(grace, "stopTimeout");
        stopTimeout = grace;
        return server;
    }

    <S> S hub(Hub h, S server) {
        checkNew();
        Objects.requireNonNull(h, "hub");
        if (group != null) {
            throw new IllegalStateException("the server already runs on a hub group (hubs(...)): it runs on one hub"
                    + " or on one group, not both");
        }
        hub = h;
        return server;
    }

    <S> S group(HubGroup g, S server) {
        checkNew();
        Objects.requireNonNull(g, "group");
        if (hub != null) {
            throw new IllegalStateException("the server already runs on hub " + hub.getName() + " (hub(...)): it runs"
                    + " on one hub or on one group, not both");
        }
        group = g;
        return server;
    }

    /** The hub group set with {@link #group}, or null. */
    HubGroup group() {
        return group;
    }

    /** {@code n} if it is at least 1, else an IllegalArgumentException naming {@code option}. */
    static int atLeastOne(String option, int n) {
        if (n < 1) {
            throw new IllegalArgumentException(option + " is " + n + "; it must be at least 1");
        }
        return n;
    }

    Duration stopTimeout() {
        return stopTimeout;
    }

    /** Throws unless the server is new: options are set before start. */
    void checkNew() {
        if (state != State.NEW) {
            throw new IllegalStateException("the server is already started: set options before start()");
        }
    }

    /**
     * Chooses the hub (the one set, else the caller's, else the default), binds, and spawns the loop on that hub; on
     * a hub group, binds one socket per hub (SO_REUSEPORT) and spawns loop i on hub i.
     *
     * @param maxHandlers how many handlers may run at once (in total, over a group's hubs)
     * @param pool        the pool the handlers run in, or null
     * @return the loop greenlets, one per socket
     * @throws IOException           if the socket cannot be bound (the server stays new)
     * @throws IllegalStateException if the server was already started or stopped, or its group is closed
     */
    synchronized List<Greenlet<Void>> start(int maxHandlers, Pool pool) throws IOException {
        if (state != State.NEW) {
            throw new IllegalStateException(state == State.STARTED ? "the server is already started"
                    : "the server was stopped: create a new one");
        }
        List<Hub> on;
        if (group != null) {
            if (group.isClosed()) {
                throw new IllegalStateException("the server's hub group is closed: give it an open HubGroup");
            }
            on = group.hubs();
        } else {
            on = List.of(hub != null ? hub : (Hub.current() != null ? Hub.current() : Hub.getDefault()));
        }
        binder.bind(reuseAddress, reusePort || on.size() > 1, on.size());
        handlers = new HandlerGroup(maxHandlers, pool);
        hub = on.get(0);
        state = State.STARTED;
        List<Greenlet<Void>> ls = new ArrayList<>(on.size());
        for (int i = 0; i < on.size(); i++) {
            int socket = i;
            ls.add(on.get(i).spawn(() -> loopBody.accept(socket)));
        }
        loops = List.copyOf(ls);
        return loops;
    }

    /** Starts the server with {@code start} if it is new, then joins the loop; a kill of the caller stops it first. */
    void serveForever(Starter start) throws IOException {
        if (state == State.NEW) {
            start.start();
        }
        boolean clean = false;
        try {
            for (Greenlet<Void> l : loops) {
                l.join();
            }
            clean = true;
        } finally {
            if (!clean) {
                stop(stopTimeout);
            }
        }
    }

    /** Whether the server is started and not stopped. */
    boolean isServing() {
        return state == State.STARTED;
    }

    /** The running handlers, or null before start. */
    HandlerGroup handlers() {
        return handlers;
    }

    /** "new", "serving" or "stopped", for the servers' toString. */
    String stateName() {
        return switch (state) {
            case NEW -> "new";
            case STARTED -> "serving";
            case STOPPED -> "stopped";
        };
    }

    /** See the class comment; idempotent, and a server stopped while new can no longer start. */
    void stop(Duration grace) {
        Durations.requiredNanos(grace, "grace");
        synchronized (this) {
            if (state != State.STARTED) {
                state = State.STOPPED;
                return;
            }
            state = State.STOPPED;
        }
        closeSocket.run();
        handlers.close();
        for (Greenlet<Void> l : loops) {
            if (l != Gevent.getCurrent()) {
                l.kill(); // it may wait for room in a full pool; in accept/receive the closed socket already woke it
            }
        }
        handlers.stop(grace, Duration.ofSeconds(1), stopLabel.get());
    }
}
