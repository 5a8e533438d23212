package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.Hub;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.TimerQueue;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;

/**
 * One greenlet waiting for one fd to become ready for one event. It is also the wait's deadline timer.
 *
 * <pre>{@code
 * PollWait w = new PollWait(hub, fd, true, Thread.currentThread(), 0);
 * if (!w.await()) { ... }   // parks until readable, closed, or killed; false: pinned, nothing waited
 * }</pre>
 *
 * <p>The registration is only ever touched on the hub thread (arm, fire, ready, cancel all run there), and the
 * waiter resumes only after the hub has removed it, so no fd stays registered once the JDK goes on to close it.
 * Timeout: the hub timer ends the wait normally. Interrupt: the wait ends with the interrupt status kept. Kill: the
 * registration is removed first, then the kill is raised. A greenlet pinned to the hub thread (a class initializer
 * or native frame on its stack, see {@link Pinning}) never registers: {@link #await()} finds out with one yield and
 * returns false, so that the caller runs the JDK's own blocking call instead of freezing the hub.
 */
final class PollWait extends TimerQueue.Timer implements Runnable {
    private static final int NEW = 0;
    private static final int ARMED = 1;
    private static final int DONE = 2;

    final Hub hub;
    final int fd;
    final boolean read;
    private final Thread waiter;
    private final boolean timed;

    // hub-confined
    private int phase = NEW;
    FdWatch watch;

    private volatile boolean done;
    /** Claimed by the registration on the hub thread, or by a pinned waiter that gives up (whichever is first). */
    private volatile boolean started;
    private static final java.lang.invoke.VarHandle STARTED;

    static {
        try {
            STARTED = java.lang.invoke.MethodHandles.lookup().findVarHandle(PollWait.class, "started", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    private volatile IOException failure;

    PollWait(Hub hub, int fd, boolean read, Thread waiter, long nanos) {
        super(nanos > 0 ? System.nanoTime() + nanos : Long.MAX_VALUE);
        this.hub = hub;
        this.fd = fd;
        this.read = read;
        this.waiter = waiter;
        this.timed = nanos > 0;
    }

    /**
     * Waits on the calling greenlet (the waiter). Returns false, having waited for nothing, if the greenlet is pinned
     * to the hub thread (see {@link Pinning}): the caller then runs the JDK's own blocking call.
     */
    boolean await() throws IOException {
        if (!post(this)) {
            return true; // hub closing: a spurious wake-up; the JDK re-checks
        }
        // The pinned probe (see Pinning): the registration above runs before this greenlet resumes, unless the yield
        // could not unmount it. Then the registration must never happen: claim it, and wait for nothing.
        Thread.yield();
        boolean pinned = STARTED.compareAndSet(this, false, true);
        // A kill, Timeout or interrupt asks the hub to drop the registration, and the wait goes on until it has.
        Internals.awaitReleasing(() -> pinned || done, () -> post(this::cancel), this);
        if (pinned) {
            return false;
        }
        IOException f = failure;
        if (f != null) {
            throw f;
        }
        return true;
    }

    private boolean post(Runnable r) {
        try {
            hub.callSoon(r);
            return true;
        } catch (IllegalStateException closed) {
            done = true;
            return false;
        }
    }

    /** Hub thread: register the fd. */
    @Override
    public void run() {
        if (phase != NEW || !STARTED.compareAndSet(this, false, true)) {
            return; // the waiter found itself pinned and gave up the wait
        }
        phase = ARMED;
        try {
            HubIo.of(hub).add(this);
        } catch (IOException e) {
            failure = e;
            finish();
            return;
        } catch (Throwable e) {
            failure = new IOException("gevent4j: cannot register fd " + fd + " with hub " + hub.getName(), e);
            finish();
            return;
        }
        if (timed) {
            Internals.addTimer(hub, this);
        }
    }

    /** Hub thread: the deadline passed. */
    @Override
    public void fire() {
        finish();
    }

    /** Hub thread: the fd is ready (called by its FdWatch, which has already dropped this wait). */
    void ready() {
        watch = null;
        finish();
    }

    /** Hub thread: the waiter was killed or interrupted. */
    void cancel() {
        finish();
    }

    /** Any thread: the socket is being closed. */
    void stop() {
        if (!post(this::cancel)) {
            LockSupport.unpark(waiter);
        }
    }

    private void finish() {
        if (phase == DONE) {
            return;
        }
        if (phase == ARMED) {
            if (watch != null) {
                watch.remove(this);
                watch = null;
            }
            if (timed && isQueued()) {
                Internals.cancelTimer(hub, this);
            }
        }
        phase = DONE;
        done = true;
        LockSupport.unpark(waiter);
    }
}
