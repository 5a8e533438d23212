package dev.gevent4j;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A group of N hubs, one platform thread each, so that greenlets use every core: gevent's "one process per core
 * behind gunicorn", inside one JVM. Each hub keeps gevent's rules for its own greenlets (one runs at a time, FIFO);
 * greenlets of different hubs run in parallel.
 *
 * <pre>{@code
 * try (HubGroup group = HubGroup.create()) {            // one hub per available processor
 *     List<Greenlet<?>> gs = new ArrayList<>();
 *     for (int i = 0; i < 100; i++) {
 *         gs.add(group.spawn(() -> work()));             // from outside: on the least-loaded hub
 *     }
 *     Gevent.joinAll(gs);
 * }   // close(): every hub kills what is left, and every hub thread ends
 * }</pre>
 *
 * <p>Placement: {@link #spawn} called from a greenlet of one of the group's hubs spawns on that same hub, so a
 * greenlet and the greenlets it spawns keep gevent's ordering among themselves ({@code Gevent.spawn} inside a
 * greenlet does the same). Called from anywhere else (a plain thread, or a greenlet of a hub outside the group) it
 * places the greenlet on the least-loaded hub: the one with the fewest greenlets that this group placed there and
 * that have not ended (ties go round-robin). {@link #nextHub()} is that choice without a spawn. A greenlet never
 * moves to another hub once placed; greenlets spawned on a hub by other means ({@code Gevent.spawn} inside a
 * greenlet, {@link Hub#spawn}) are not counted.
 *
 * <p>A group changes nothing for code that never creates one: {@link Gevent#spawn} from outside any hub still uses
 * the single {@linkplain Hub#getDefault() default hub}. Primitives ({@link dev.gevent4j.event.Event},
 * {@link dev.gevent4j.event.AsyncResult}, queues, locks, pools), joins, kill and {@link Timeout} work between
 * greenlets of different hubs and outside threads; only the FIFO order between greenlets of different hubs is
 * unspecified, as between threads.
 *
 * <p>Thread contract: every method may be called from any thread. {@link #close()} MUST NOT be called from a
 * greenlet (or the thread) of one of the group's hubs: it throws {@link IllegalStateException} there, before closing
 * anything. {@code close()} first tells every hub to close, then waits for each: each hub kills its live greenlets
 * ({@link GreenletExit} at their blocking point), gives them up to {@code gevent4j.hub.closeGraceMillis} to unwind
 * (the hubs' grace periods run in parallel), and ends its thread; greenlets not yet started never start. The wait
 * has no timeout and is not interruptible: an interrupt of the closing thread is kept and set again when
 * {@code close()} returns. {@code close()} is idempotent; after it, {@link #spawn} and {@link #nextHub()} throw
 * {@link IllegalStateException}.
 */
public final class HubGroup implements AutoCloseable {
    /*
     * Implementation notes.
     *
     * The group owns plain hubs (Hub.create with a group-specific thread name), and a hub only records which group
     * it belongs to (Hub.group(), read by internal/HubAffinity: a primitive made on a group's hub is shared from the
     * start). HubLoop and Greenlet know nothing of groups: a hub of a group schedules exactly as a lone hub. "Stays on its own hub" is the caller's
     * hub looked up in the group's array (N is small; a scan beats a map).
     *
     * Placement policy, measured with HubGroupPlacementHarness (runtime tests; 2 cores, JDK 25, one outside
     * spawner, medians of 5 rounds):
     *
     *                                        2 hubs: round-robin  least-loaded   4 hubs: round-robin  least-loaded
     *   spawn+join of 20,000 empty           679 ns              690 ns                 537 ns        411 ns
     *   2,000 tasks of 200 us CPU            209.9 ms            203.7 ms               203.6 ms      202.2 ms
     *   2,000 tasks alternating 1 ms/50 us,
     *   at most 4 in flight                  1010.8 ms           535.4 ms               515.3 ms      545.5 ms
     *
     * (Those are with the load decremented by a link; with the final code, the finally below, 2 hubs: round-robin
     * 641 ns, 206.3 ms, 1011.9 ms; least-loaded 749 ns, 202.9 ms, 547.5 ms. The empty-spawn figures move by +-15%
     * between runs on this shared machine.)
     *
     * Least-loaded costs nothing clearly measurable per spawn and does not fall into round-robin's aliasing trap (with 2
     * hubs every 1 ms task of the alternating mix landed on hub 0: twice the ideal 525 ms). Load is the number of
     * greenlets the group placed on a hub that have not ended: an AtomicInteger per hub, incremented at spawn and
     * decremented in a finally around the function (not a link: a link costs a hub entry per greenlet, and logs
     * an error when the greenlet ends while its hub closes). A greenlet that never starts (its hub closed first)
     * is never decremented; the hub is closed then, so that count no longer matters. Round-robin stays,
     * package-private, for the harness.
     */

    /** How a greenlet spawned from outside the group's hubs picks its hub. Package-private: for the harness. */
    enum Placement { ROUND_ROBIN, LEAST_LOADED }

    /** At most this many hubs: a typo (1e6) must not start a million threads. */
    static final int MAX_HUBS = 4096;

    private static final AtomicInteger GROUP_IDS = new AtomicInteger(1);

    private final Hub[] hubs;
    private final List<Hub> hubList;
    private final Placement placement;
    private final AtomicInteger next = new AtomicInteger();
    /** Per hub, greenlets the group placed there that have not ended (read by LEAST_LOADED). */
    private final AtomicInteger[] load;
    private volatile boolean closed;
    /** The thread pool the hubs share (see {@link #threadPool()}); created on first use, closed with the group. */
    private volatile dev.gevent4j.io.ThreadPool pool;

    private HubGroup(int n, Placement placement) {
        if (n < 1 || n > MAX_HUBS) {
            throw new IllegalArgumentException("hubs is " + n + "; it must be from 1 to " + MAX_HUBS
                    + " (the default is Runtime.availableProcessors(), here "
                    + Runtime.getRuntime().availableProcessors() + ")");
        }
        this.placement = Objects.requireNonNull(placement, "placement");
        int id = GROUP_IDS.getAndIncrement();
        Hub[] hs = new Hub[n];
        try {
            for (int i = 0; i < n; i++) {
                hs[i] = Hub.create("gevent4j-hub-g" + id + "-" + i);
                hs[i].group = this; // before any greenlet runs there: see HubAffinity
            }
        } catch (RuntimeException | Error e) {
            closeAll(hs);
            throw e;
        }
        this.hubs = hs;
        this.hubList = List.of(hs);
        this.load = new AtomicInteger[n];
        for (int i = 0; i < load.length; i++) {
            load[i] = new AtomicInteger();
        }
    }

    /** Creates and starts a group of {@link Runtime#availableProcessors()} hubs. */
    public static HubGroup create() {
        return new HubGroup(Runtime.getRuntime().availableProcessors(), Placement.LEAST_LOADED);
    }

    /**
     * Creates and starts a group of {@code hubs} hubs, on daemon threads named {@code gevent4j-hub-gG-I}.
     *
     * @throws IllegalArgumentException if {@code hubs} is not from 1 to 4096
     */
    public static HubGroup create(int hubs) {
        return new HubGroup(hubs, Placement.LEAST_LOADED);
    }

    /** For the placement harness and tests. */
    static HubGroup create(int hubs, Placement placement) {
        return new HubGroup(hubs, placement);
    }

    /** The number of hubs. */
    public int size() {
        return hubs.length;
    }

    /** The group's hubs, in creation order (an unmodifiable list). */
    public List<Hub> hubs() {
        return hubList;
    }

    /** Whether {@code hub} is one of the group's hubs. */
    public boolean contains(Hub hub) {
        return indexOf(hub) >= 0;
    }

    private int indexOf(Hub hub) {
        if (hub != null) {
            for (int i = 0; i < hubs.length; i++) {
                if (hubs[i] == hub) {
                    return i;
                }
            }
        }
        return -1;
    }

    /**
     * The hub {@link #spawn} would use now: the caller's own hub if it is a greenlet of this group, else the next
     * hub by the placement policy (which this call advances).
     *
     * @throws IllegalStateException if the group is closed
     */
    public Hub nextHub() {
        return hubs[choose()];
    }

    private int choose() {
        checkOpen();
        int own = indexOf(Hub.current());
        if (own >= 0) {
            return own;
        }
        return place();
    }

    /** The placement policy's choice, whatever the caller's hub. */
    private int place() {
        if (placement == Placement.ROUND_ROBIN || hubs.length == 1) {
            return Math.floorMod(next.getAndIncrement(), hubs.length);
        }
        // least-loaded: the first minimum from a rotating start, so equal loads still spread
        int start = Math.floorMod(next.getAndIncrement(), hubs.length);
        int best = start;
        int bestLoad = load[start].get();
        for (int k = 1; k < hubs.length && bestLoad > 0; k++) {
            int i = (start + k) % hubs.length;
            int l = load[i].get();
            if (l < bestLoad) {
                best = i;
                bestLoad = l;
            }
        }
        return best;
    }

    /**
     * Spawns a greenlet running {@code fn}: on the caller's hub if the caller is a greenlet of this group, else on
     * the hub the placement policy picks. From outside a hub the start is held until the caller blocks, as for
     * {@link Hub#spawn}.
     *
     * @throws IllegalStateException if the group is closed
     */
    public <T> Greenlet<T> spawn(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        int i = choose();
        AtomicInteger l = load[i];
        l.incrementAndGet();
        try {
            return new Greenlet<T>(hubs[i], () -> {
                try {
                    return fn.call();
                } finally {
                    l.decrementAndGet();
                }
            }).start();
        } catch (RuntimeException | Error e) {
            l.decrementAndGet(); // the hub closed meanwhile: nothing was placed
            throw e;
        }
    }

    /** Like {@link #spawn(Callable)}; the greenlet's value is null. */
    public Greenlet<Void> spawn(Runnable fn) {
        Objects.requireNonNull(fn, "fn");
        int i = choose();
        Greenlet<Void> g = counted(i, fn);
        try {
            return g.start();
        } catch (RuntimeException | Error e) {
            load[i].decrementAndGet(); // the hub closed meanwhile: nothing was placed
            throw e;
        }
    }

    /**
     * For the agent's {@code hubs=N} (through {@code Internals.newGreenletOn}): an unstarted greenlet on the hub the
     * policy picks even when the caller is one of the group's greenlets, counted as load until {@code fn} returns.
     */
    Greenlet<Void> newPlaced(Runnable fn) {
        Objects.requireNonNull(fn, "fn");
        checkOpen();
        return counted(place(), fn);
    }

    /** An unstarted greenlet on hub {@code i} running {@code fn}, counted in that hub's load until {@code fn} ends. */
    private Greenlet<Void> counted(int i, Runnable fn) {
        AtomicInteger l = load[i];
        l.incrementAndGet();
        try {
            return new Greenlet<Void>(hubs[i], (Runnable) () -> {
                try {
                    fn.run();
                } finally {
                    l.decrementAndGet();
                }
            });
        } catch (RuntimeException | Error e) {
            l.decrementAndGet();
            throw e;
        }
    }

    /** Greenlets this group placed on each hub that have not ended, in hub order. For tests. */
    int[] loads() {
        int[] r = new int[load.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = load[i].get();
        }
        return r;
    }

    /** Whether {@link #close()} has started. */
    public boolean isClosed() {
        return closed;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the hub group is closed: create a new HubGroup");
        }
    }

    /**
     * Closes every hub of the group (see the class comment: all start closing at once, then each is waited for) and
     * returns once every hub thread has ended. Idempotent.
     *
     * @throws IllegalStateException if called from a greenlet or the thread of one of the group's hubs
     */
    /** The pool the group's hubs share ({@link Hub#threadPool()}), created on first use. Any thread. */
    dev.gevent4j.io.ThreadPool threadPool() {
        dev.gevent4j.io.ThreadPool p = pool;
        if (p == null) {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("the hub group is closed: create a new HubGroup");
                }
                p = pool;
                if (p == null) {
                    p = new dev.gevent4j.io.ThreadPool(hubs[0].getName().replaceFirst("-0$", "") + "-pool",
                            Config.threadPoolSize());
                    pool = p;
                }
            }
        }
        return p;
    }

    @Override
    public void close() {
        for (Hub h : hubs) {
            if (h.inHub()) {
                throw new IllegalStateException("HubGroup.close() called from hub " + h.getName()
                        + " of the group: close a hub group from outside its hubs");
            }
        }
        synchronized (this) {
            closed = true;
        }
        boolean interrupted = closeAll(hubs);
        dev.gevent4j.io.ThreadPool p;
        synchronized (this) {
            p = pool;
        }
        if (p != null) {
            p.close(); // after every hub: none of their greenlets waits on it any more
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Begins closing every non-null hub, then waits for each; returns whether the caller was interrupted. */
    private static boolean closeAll(Hub[] hs) {
        for (Hub h : hs) {
            if (h != null) {
                h.beginClose();
            }
        }
        boolean interrupted = false;
        for (Hub h : hs) {
            if (h != null) {
                interrupted |= h.awaitClosed();
            }
        }
        return interrupted;
    }

    @Override
    public String toString() {
        return "HubGroup[" + hubs.length + " hubs" + (closed ? ", closed" : "") + "]";
    }
}
