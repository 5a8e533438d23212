package dev.gevent4j.internal;

import dev.gevent4j.Hub;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The per-thread state that lets gevent4j raise an exception (a kill, a {@code Timeout}, a {@code LoopExit}) in a
 * thread wherever it is blocked: in a greenlet, or in a plain thread waiting on greenlets from outside a hub.
 *
 * <p>Delivery protocol (lock-free, works from any thread): the deliverer stores the throwable in
 * {@link #pending} and then reads {@link #waitState}. A thread blocked in one of gevent4j's own waits
 * ({@link #IN_WAIT_INTERNAL} or {@link #IN_WAIT_EXTERNAL}) is unparked and raises it on wake-up. A thread that is
 * running, or blocked somewhere gevent4j does not control (a java.util.concurrent wait, {@code Object.wait}), is
 * interrupted, so the JDK wait ends with {@link InterruptedException}; the pending throwable is then raised at the
 * thread's next gevent4j blocking point and the interrupt that gevent4j caused is cleared there.
 * The waiting side sets {@code waitState} before it checks {@code pending}, so one side always sees the other.
 */
public class Strand implements Thread.UncaughtExceptionHandler {
    /** Not in a gevent4j wait: running, runnable, or blocked in code gevent4j does not control. */
    public static final int RUNNING = 0;
    /** In a gevent4j wait that something outside the hub's own greenlets may end. */
    public static final int IN_WAIT_EXTERNAL = 1;
    /** In a gevent4j wait that only the hub's own greenlets can end (join of a same-hub greenlet, switchTo). */
    public static final int IN_WAIT_INTERNAL = 2;

    private static final VarHandle PENDING;

    static {
        try {
            PENDING = MethodHandles.lookup().findVarHandle(Strand.class, "pending", Throwable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final ThreadLocal<Strand> OUTSIDE = ThreadLocal.withInitial(() -> new Strand(Thread.currentThread()));

    // Every greenlet has a strand, so its fields are kept to 32 bytes (a byte for the wait state, one field for the
    // deferred hubs): benchmarks/RESULTS.md, "The per-greenlet footprint".
    private volatile Thread thread;
    private volatile Throwable pending;
    private volatile byte waitState;
    private volatile boolean interruptedByDelivery;

    /**
     * Hubs holding greenlets this strand spawned that wait for it to block (see OutsideStarts): null, one Hub, or an
     * ArrayList of them. Strand-confined.
     */
    private Object deferredTo;

    /** Records that this strand deferred a greenlet start to {@code hub}. MUST run on this strand. */
    @SuppressWarnings("unchecked")
    public void noteDeferredTo(Hub hub) {
        Object d = deferredTo;
        if (d == null || d == hub) {
            deferredTo = hub;
        } else if (d instanceof Hub first) {
            java.util.ArrayList<Hub> more = new java.util.ArrayList<>(2);
            more.add(first);
            more.add(hub);
            deferredTo = more;
        } else if (!((java.util.ArrayList<Hub>) d).contains(hub)) {
            ((java.util.ArrayList<Hub>) d).add(hub);
        }
    }

    /** Takes the hubs recorded by {@link #noteDeferredTo}, first recorded first, or null. MUST run on this strand. */
    @SuppressWarnings("unchecked")
    public Hub[] takeDeferredTo() {
        Object d = deferredTo;
        if (d == null) {
            return null;
        }
        deferredTo = null;
        return d instanceof Hub h ? new Hub[] {h} : ((java.util.ArrayList<Hub>) d).toArray(new Hub[0]);
    }

    public Strand(Thread thread) {
        this.thread = thread;
    }

    /** The greenlet this strand belongs to (null for a thread outside any hub). */
    private Object owner;

    /** Sets the owning greenlet, once, before its thread starts. */
    public void setOwner(Object greenlet) {
        this.owner = greenlet;
    }

    public Object owner() {
        return owner;
    }

    /**
     * A greenlet's strand is installed as its virtual thread's uncaught-exception handler: that is how the runtime
     * finds the current greenlet from {@code Thread.currentThread()} without a ThreadLocal or ScopedValue (each
     * costs objects and stack frames per greenlet). A greenlet's body catches everything, so this never runs for
     * one; it is here only for the contract.
     */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        System.getLogger("dev.gevent4j").log(System.Logger.Level.ERROR, "uncaught exception in " + t, e);
    }

    /** The strand of the greenlet running on the calling thread, or null. */
    public static Strand ofCurrentGreenlet() {
        Thread t = Thread.currentThread();
        if (t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Strand s) {
            return s;
        }
        return null;
    }

    /** The strand of the calling platform (non-greenlet) thread. */
    public static Strand outside() {
        return OUTSIDE.get();
    }

    public Thread thread() {
        return thread;
    }

    public void setThread(Thread t) {
        this.thread = t;
    }

    public int waitState() {
        return waitState;
    }

    public Throwable pending() {
        return pending;
    }

    /**
     * Arranges for {@code t} to be raised in this strand at its current or next blocking point. If a throwable is
     * already pending, the first one wins and this call returns false. Any thread may call it.
     */
    public boolean deliver(Throwable t) {
        if (!PENDING.compareAndSet(this, null, t)) {
            return false;
        }
        Thread th = thread;
        if (th == null) {
            return true; // not started yet: the greenlet checks pending before it runs its function
        }
        if (waitState != RUNNING) {
            LockSupport.unpark(th);
        } else {
            interruptedByDelivery = true;
            th.interrupt();
        }
        return true;
    }

    /** Clears a pending throwable if it is {@code t} (a cancelled Timeout that fired but was never raised). */
    public boolean clearPending(Throwable t) {
        if (PENDING.compareAndSet(this, t, null)) {
            clearDeliveryInterrupt();
            return true;
        }
        return false;
    }

    /** Takes the pending throwable, if any, clearing the interrupt its delivery caused. MUST run on this strand. */
    public Throwable takePending() {
        Throwable t = pending;
        if (t != null && PENDING.compareAndSet(this, t, null)) {
            clearDeliveryInterrupt();
            return t;
        }
        return null;
    }

    private void clearDeliveryInterrupt() {
        if (interruptedByDelivery) {
            interruptedByDelivery = false;
            if (Thread.currentThread() == thread) {
                Thread.interrupted();
            }
        }
    }

    /** Raises the pending throwable, if any. MUST run on this strand. */
    public void throwPending() {
        if (pending != null) {
            Throwable t = takePending();
            if (t != null) {
                throw Throwables.fillAndCast(t);
            }
        }
    }

    /** Marks the strand as entering a gevent4j wait of the given kind. MUST run on this strand. */
    public void enterWait(int kind) {
        waitState = (byte) kind;
    }

    /** Marks the strand as leaving a gevent4j wait. MUST run on this strand. */
    public void exitWait() {
        waitState = RUNNING;
    }
}
