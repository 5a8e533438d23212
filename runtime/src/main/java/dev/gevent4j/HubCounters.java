package dev.gevent4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A hub's statistics: the counters its loop writes on the hub thread and the {@linkplain HubMonitor monitor},
 * metrics and dumps read from other threads.
 *
 * <pre>{@code
 * long before = hub.counters().entriesRun();   // any thread: a recent value
 * }</pre>
 *
 * <p>Thread contract: the {@code on*} writers MUST be called from the hub thread (the stall fields by the monitor
 * thread); every reader may be called from any thread and returns a recent value. Nothing here blocks, waits or
 * throws.
 */
final class HubCounters {
    /*
     * Implementation overview. `entries` and `inPoll` are written with opaque stores: no fence on the loop's hot
     * path, yet never hoisted out of the monitor's reading loop. The monitor only needs "has it moved since I last
     * looked"; it never needs ordering with other memory.
     */
    private static final VarHandle ENTRIES;
    private static final VarHandle IN_POLL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ENTRIES = l.findVarHandle(HubCounters.class, "entries", long.class);
            IN_POLL = l.findVarHandle(HubCounters.class, "inPoll", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Entries (continuations, callbacks, timers) run; the monitor sees a stall when it stops moving. */
    private long entries;
    /** True while the hub waits for IO or a task in the Netty loop: idle, not stalled. */
    private boolean inPoll;
    /** Passes of the loop. Written by the hub thread only; read racily. */
    private long loopIterations;
    /** The longest stall the monitor saw, in milliseconds. Written by the monitor thread. */
    volatile long longestStallMillis;
    /** Stalls the monitor reported. Written by the monitor thread, after the report. */
    volatile long stalls;

    /** One more entry runs. MUST be called from the hub thread. */
    void onEntry() {
        ENTRIES.setOpaque(this, entries + 1);
    }

    /** One more loop pass. MUST be called from the hub thread. */
    void onIteration() {
        loopIterations++;
    }

    /** The hub starts or stops waiting in the Netty loop. MUST be called from the hub thread. */
    void onPolling(boolean polling) {
        IN_POLL.setOpaque(this, polling);
    }

    /** Entries run so far. Any thread; a recent value. */
    long entriesRun() {
        return (long) ENTRIES.getOpaque(this);
    }

    /** Whether the hub is waiting for IO or tasks. Any thread; a recent value. */
    boolean isPolling() {
        return (boolean) IN_POLL.getOpaque(this);
    }

    /** Loop passes so far. Exact on the hub thread, racy elsewhere. */
    long loopIterations() {
        return loopIterations;
    }
}
