package dev.gevent4j;

import dev.gevent4j.internal.Durations;
import dev.gevent4j.internal.Strand;
import dev.gevent4j.internal.TimerQueue;
import java.io.Serial;
import java.time.Duration;

/**
 * A deadline for the current greenlet (or thread): when it passes, this Timeout object itself is raised wherever
 * the greenlet is blocked, as in gevent.
 *
 * <pre>{@code
 * try (Timeout t = Timeout.start(Duration.ofMillis(100))) {
 *     result = slowGreenlet.get();          // raises t if it takes longer than 100 ms
 * } catch (Timeout e) {
 *     if (e != t) throw e;                  // nested timeouts are told apart by identity
 *     result = fallback;
 * }
 * }</pre>
 *
 * <p><b>Where it is raised.</b> At gevent4j's own blocking points (sleep, join, get, switchTo, the event, lock,
 * queue and pool classes) it is raised directly. Without the agent, in a java.util.concurrent wait,
 * {@code Object.wait} or a socket wait it arrives as an interrupt: the JDK call throws
 * {@link InterruptedException} (or {@code ClosedByInterruptException}), and the Timeout is raised at the next
 * gevent4j blocking point; {@link Gevent#withTimeout} turns such an interrupt back into the timeout. It cannot
 * interrupt a CPU loop. If the deadline passes while the greenlet is not blocked, it is raised at its next
 * blocking point, unless the Timeout is closed first.
 *
 * <p><b>Why it extends {@link Error}.</b> In gevent, Timeout derives from {@code BaseException} so that a plain
 * {@code except Exception} does not swallow it. The Java equivalent is {@code catch (Exception e)}: a Timeout (like
 * {@link GreenletExit}) passes through it and reaches the code that started it. It is unchecked either way.
 *
 * <p>A null duration never fires; zero fires at the hub's next pass. The deadline runs on the greenlet's hub's
 * timers (outside any hub: on the default hub's), never on a JDK timer thread.
 */
public class Timeout extends Error implements AutoCloseable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient Duration duration;
    private transient volatile Strand strand;
    private transient volatile Hub hub;
    private transient volatile Fire timer;
    private transient volatile boolean fired;

    /** Creates a timeout, not started, for {@code duration} (null = never fires). */
    public Timeout(Duration duration) {
        this(duration, duration == null ? "timeout (never)" : "timed out after " + duration);
    }

    /** Creates a timeout, not started, with a message. */
    public Timeout(Duration duration, String message) {
        super(message);
        Durations.timeoutNanos(duration, "duration");
        this.duration = duration;
    }

    /** Creates and starts a timeout for the current greenlet (or thread). */
    public static Timeout start(Duration duration) {
        return new Timeout(duration).start();
    }

    /**
     * Starts the countdown for the calling greenlet (or thread).
     *
     * @throws IllegalStateException if already started
     */
    public Timeout start() {
        if (strand != null) {
            throw new IllegalStateException("this Timeout was already started");
        }
        Greenlet<?> g = Greenlet.currentGreenlet();
        if (g == null) {
            Waits.checkNotHubThread();
        }
        strand = g != null ? g.strand : Strand.outside();
        if (duration == null) {
            return this;
        }
        hub = g != null ? g.hub : Hub.getDefault();
        long nanos = Durations.requiredNanos(duration, "duration");
        if (nanos > Waits.MAX_TIMEOUT_NANOS) {
            return this; // never fires within the life of the process
        }
        Fire f = new Fire(hub.loop.now() + nanos);
        timer = f;
        hub.schedule(f);
        return this;
    }

    /** Whether the timeout was started and has neither fired nor been cancelled. */
    public boolean isPending() {
        return strand != null && timer != null && !fired;
    }

    /** Whether the deadline passed (the timeout was, or is about to be, raised). */
    public boolean hasFired() {
        return fired;
    }

    /** The duration, or null for a timeout that never fires. */
    public Duration getDuration() {
        return duration;
    }

    /**
     * Stops the timeout: it will not fire, and if it fired but has not been raised yet, it will not be raised.
     * Idempotent; any thread.
     */
    public void cancel() {
        Fire f = timer;
        if (f != null) {
            timer = null;
            f.cancelRequested = true;
            if (f.state.compareAndSet(Fire.PENDING, Fire.CANCELLED)) {
                hub.cancel(f);
            }
        }
        Strand s = strand;
        if (s != null) {
            s.clearPending(this);
        }
    }

    /** Same as {@link #cancel()}, for try-with-resources. */
    @Override
    public void close() {
        cancel();
    }

    /*
     * fire() and cancel() may race (the timer runs on the hub, cancel on the greenlet or any thread): the state CAS
     * decides which wins, and a fire that won but delivers after cancel() returned withdraws its own delivery.
     */
    private final class Fire extends TimerQueue.Timer {
        static final int PENDING = 0;
        static final int FIRED = 1;
        static final int CANCELLED = 2;
        final java.util.concurrent.atomic.AtomicInteger state = new java.util.concurrent.atomic.AtomicInteger();
        volatile boolean cancelRequested;

        Fire(long deadline) {
            super(deadline);
        }

        @Override
        public void fire() {
            if (state.compareAndSet(PENDING, FIRED)) {
                fired = true;
                strand.deliver(Timeout.this);
                if (cancelRequested) {
                    strand.clearPending(Timeout.this);
                }
            }
        }
    }
}
