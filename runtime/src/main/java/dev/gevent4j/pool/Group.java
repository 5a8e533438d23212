package dev.gevent4j.pool;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.event.Event;
import dev.gevent4j.internal.Internals;
import dev.gevent4j.internal.Throwables;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A set of greenlets tracked together: gevent's {@code gevent.pool.Group}. Greenlets spawned through it, or added to
 * it, leave it when they end. It can wait for all of them, kill them all, and map a function over items
 * concurrently. {@link Pool} adds a bound on the number of members.
 *
 * <pre>{@code
 * Group group = new Group();
 * for (String url : urls) group.spawn(() -> fetch(url));
 * group.join();                                       // until every member has ended
 * List<Integer> sizes = group.map(String::length, urls);   // results in input order
 * }</pre>
 *
 * <p><b>Timeout, interrupt and kill.</b> {@link #join(Duration)} returns false when the timeout passes; the
 * map methods and {@link #apply} wait without a limit (bound them with a {@link dev.gevent4j.Timeout}). A kill or
 * Timeout raised in a waiting greenlet propagates; {@link Thread#interrupt()} does not end a wait. Thread-safe: any
 * greenlet or thread may add, spawn, join or kill. A member leaves the group on its hub's thread, at the first
 * callback after it ended.
 */
public class Group {
    /** How many items {@link #imap}, {@link #imapUnordered} and {@link #map} run ahead of the reader by default. */
    public static final int DEFAULT_IMAP_LOOKAHEAD = 128;

    private final Object lock = new Object();
    /** Changes of the members, under {@link #lock} (see syncEmpty). */
    private long version;
    private final LinkedHashSet<Greenlet<?>> members = new LinkedHashSet<>();
    private final Event empty = new Event();
    private final Consumer<Greenlet<?>> discarder = this::discard;

    /** Creates an empty group. */
    public Group() {
        empty.set();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Membership

    /**
     * Adds {@code greenlet}; it leaves the group when it ends (at once, soon, if it already has). Adding a member
     * again does nothing.
     */
    public void add(Greenlet<?> greenlet) {
        addMember(greenlet);
    }

    /** Adds without any bound check; returns whether the greenlet was not a member yet. */
    final boolean addMember(Greenlet<?> greenlet) {
        Objects.requireNonNull(greenlet, "greenlet");
        synchronized (lock) {
            if (!members.add(greenlet)) {
                return false;
            }
            version++;
        }
        syncEmpty();
        // On the ending greenlet's own thread, not as a link: a link runs on the hub thread, and a hub thread that
        // contends on a monitor (this lock, the Event's, a Pool's semaphore) can be stranded there for good when
        // the monitor's next owner is chosen among the hub's own greenlets, which need that very thread to run
        // (JDK-8350765; CrossHubPrimitivesStressTest hung so in discard). A greenlet that contends just unmounts.
        Internals.onEnd(greenlet, discarder);
        return true;
    }

    /** Removes {@code greenlet} from the group (it keeps running). Returns whether it was a member. */
    public boolean discard(Greenlet<?> greenlet) {
        synchronized (lock) {
            if (!members.remove(greenlet)) {
                return false;
            }
        }
        // its end callback stays registered and finds it no member then (or a member again, re-added: then it leaves
        // when it ends, as it should)
        onRemoved(greenlet); // a Pool frees the slot before join() can see the group empty
        synchronized (lock) {
            version++;
        }
        syncEmpty();
        return true;
    }

    /*
     * Why the empty event is set and cleared outside the lock: with hubs in a group, a greenlet that contends on the
     * event's monitor unmounts (JDK 24+) while it holds what it holds, and a platform thread then waiting for the
     * group's lock (a hub thread in a callback, an outside thread) waits until that greenlet's hub gets round to it
     * (when discard ran as a link on the hub thread, for good: the greenlet needed that very thread to resume). So no
     * monitor is taken while the group's lock is held. The event is brought in line with the
     * members after each change instead, and again if another change came meanwhile (version), so that the last
     * change always leaves it right.
     */
    private void syncEmpty() {
        while (true) {
            boolean isEmpty;
            long v;
            synchronized (lock) {
                isEmpty = members.isEmpty();
                v = version;
            }
            if (isEmpty) {
                empty.set();
            } else {
                empty.clear();
            }
            synchronized (lock) {
                if (version == v) {
                    return;
                }
            }
        }
    }

    /** Called after a member left the group. */
    void onRemoved(Greenlet<?> greenlet) {}

    /** Whether {@code greenlet} is a member. */
    public boolean contains(Greenlet<?> greenlet) {
        synchronized (lock) {
            return members.contains(greenlet);
        }
    }

    /** The number of members. */
    public int size() {
        synchronized (lock) {
            return members.size();
        }
    }

    /** Whether the group has no member. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** A snapshot of the members, in the order they were added. */
    public List<Greenlet<?>> greenlets() {
        synchronized (lock) {
            return new ArrayList<>(members);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Spawning

    /**
     * Creates a greenlet running {@code fn} on the caller's hub (the default hub outside any hub), adds it (a
     * {@link Pool} waits here for a free slot), and starts it.
     */
    public <T> Greenlet<T> spawn(Callable<T> fn) {
        Greenlet<T> g = new Greenlet<>(fn);
        add(g);
        return g.start();
    }

    /** Like {@link #spawn(Callable)} for a function without a result. */
    public Greenlet<Void> spawn(Runnable fn) {
        Greenlet<Void> g = new Greenlet<>(fn);
        add(g);
        return g.start();
    }

    /** Adds {@code greenlet} (a {@link Pool} waits for a free slot) and starts it. */
    public <T> Greenlet<T> start(Greenlet<T> greenlet) {
        add(greenlet);
        return greenlet.start();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Waiting and killing

    /** Waits until the group is empty. */
    public void join() {
        join(null);
    }

    /**
     * Waits until the group has been empty at least once, at most {@code timeout} (null = no limit).
     *
     * @return whether the group became empty in time
     */
    public boolean join(Duration timeout) {
        return empty.await(timeout);
    }

    /**
     * Like {@link #join(Duration)}; then the first failure among the greenlets that were members when the call began
     * is raised (as {@link Greenlet#get()} raises it), even if the timeout passed.
     *
     * @return whether the group became empty in time
     */
    public boolean joinOrRaise(Duration timeout) {
        List<Greenlet<?>> snapshot = greenlets();
        boolean ok = empty.await(timeout);
        for (Greenlet<?> g : snapshot) {
            if (g.isDead() && !g.isSuccessful()) {
                throw Throwables.rethrow(g.exception());
            }
        }
        return ok;
    }

    /**
     * The positional form of gevent's {@code join(timeout, raise_error)}.
     *
     * @deprecated use {@link #join(Duration)} or {@link #joinOrRaise(Duration)}
     */
    @Deprecated(forRemoval = true)
    public boolean join(Duration timeout, boolean raiseError) {
        return raiseError ? joinOrRaise(timeout) : join(timeout);
    }

    /** Kills every member (but the calling greenlet) with {@link dev.gevent4j.GreenletExit} and waits for them. */
    public void kill() {
        kill(null, null);
    }

    /** Kills every member (but the calling greenlet) with {@code exception} (null: a new GreenletExit each) and waits. */
    public void kill(Throwable exception) {
        kill(exception, null);
    }

    /**
     * Kills every member except the calling greenlet with {@code exception} (null = a new GreenletExit each), and
     * waits at most {@code timeout} (null = no limit) for them to end. Ended members leave the group at once.
     *
     * @return whether they all ended
     */
    public boolean kill(Throwable exception, Duration timeout) {
        List<Greenlet<?>> list = members();
        boolean all = Gevent.killAll(list, exception, timeout);
        discardDead(list);
        return all;
    }

    /** Kills every member except the calling greenlet (null exception: a new GreenletExit each); does not wait. */
    public void killNowait(Throwable exception) {
        List<Greenlet<?>> list = members();
        Gevent.killAllNowait(list, exception);
        discardDead(list);
    }

    /**
     * The positional form of gevent's {@code kill(exception, block, timeout)}.
     *
     * @deprecated use {@link #kill(Throwable, Duration)} or {@link #killNowait(Throwable)}
     */
    @Deprecated(forRemoval = true)
    public void kill(Throwable exception, boolean block, Duration timeout) {
        if (block) {
            kill(exception, timeout);
        } else {
            killNowait(exception);
        }
    }

    /** Kills one member with a new GreenletExit and waits for it; it leaves the group once dead. */
    public void killOne(Greenlet<?> greenlet) {
        killOne(greenlet, null, null);
    }

    /**
     * Kills one member (see {@link Greenlet#kill(Throwable, Duration)}; null exception: a new GreenletExit) and waits
     * at most {@code timeout} (null = no limit); it leaves the group once dead.
     *
     * @return whether it has ended
     */
    public boolean killOne(Greenlet<?> greenlet, Throwable exception, Duration timeout) {
        boolean dead = greenlet.kill(exception == null ? new dev.gevent4j.GreenletExit() : exception, timeout);
        if (dead) {
            discard(greenlet);
        }
        return dead;
    }

    /**
     * gevent's {@code killone(greenlet, exception, block, timeout)}, positionally.
     *
     * @deprecated use {@link #killOne(Greenlet, Throwable, Duration)} or {@link Greenlet#killNowait(Throwable)}
     */
    @Deprecated(forRemoval = true)
    public void killone(Greenlet<?> greenlet, Throwable exception, boolean block, Duration timeout) {
        if (block) {
            killOne(greenlet, exception, timeout);
        } else {
            greenlet.killNowait(exception == null ? new dev.gevent4j.GreenletExit() : exception);
            if (greenlet.isDead()) {
                discard(greenlet);
            }
        }
    }

    /** The members but the calling greenlet. */
    private List<Greenlet<?>> members() {
        List<Greenlet<?>> list = greenlets();
        list.remove(Gevent.getCurrent());
        return list;
    }

    private void discardDead(List<Greenlet<?>> list) {
        for (Greenlet<?> g : list) {
            if (g.isDead()) {
                discard(g);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Map and apply

    /**
     * Runs {@code fn} in a member greenlet and returns its result (raising its exception as {@link Greenlet#get()}
     * does). If the caller is itself a member, {@code fn} runs directly in the caller (gevent's rule, which avoids a
     * full pool waiting for itself).
     */
    public <T> T apply(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        Greenlet<?> cur = Gevent.getCurrent();
        if (contains(cur)) {
            try {
                return fn.call();
            } catch (Exception e) {
                throw Throwables.rethrow(e);
            }
        }
        return spawn(fn).get();
    }

    /** Spawns {@code fn} as a member and returns its greenlet without waiting (gevent's {@code apply_async}). */
    public <T> Greenlet<T> applyAsync(Callable<T> fn) {
        return spawn(fn);
    }

    /**
     * Applies {@code fn} to every item concurrently (each call in a member greenlet) and returns the results in input
     * order. The first failure, in input order, is raised once reached.
     */
    public <A, R> List<R> map(Function<? super A, ? extends R> fn, Iterable<? extends A> items) {
        List<R> out = new ArrayList<>();
        try (IMap<R> it = imap(fn, items)) {
            for (R r : it) {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * Lazily applies {@code fn} to the items concurrently and yields the results in input order, running at most
     * the {@linkplain #defaultLookahead() default look-ahead} items ahead of the reader.
     */
    public <A, R> IMap<R> imap(Function<? super A, ? extends R> fn, Iterable<? extends A> items) {
        return imap(fn, items, defaultLookahead());
    }

    /**
     * Lazily applies {@code fn} to the items concurrently and yields the results in input order. At most
     * {@code lookahead} items are taken from {@code items} and not yet returned by the iterator: the reader's pace
     * bounds the work in flight (backpressure).
     *
     * @throws IllegalArgumentException if lookahead is less than 1
     */
    public <A, R> IMap<R> imap(Function<? super A, ? extends R> fn, Iterable<? extends A> items, int lookahead) {
        return new IMap<>(this, fn, items, lookahead, true);
    }

    /** Like {@link #imap(Function, Iterable)} but yields results in completion order. */
    public <A, R> IMap<R> imapUnordered(Function<? super A, ? extends R> fn, Iterable<? extends A> items) {
        return imapUnordered(fn, items, defaultLookahead());
    }

    /** Like {@link #imap(Function, Iterable, int)} but yields results in completion order. */
    public <A, R> IMap<R> imapUnordered(Function<? super A, ? extends R> fn, Iterable<? extends A> items,
                                        int lookahead) {
        return new IMap<>(this, fn, items, lookahead, false);
    }

    /** The look-ahead of {@code imap} without an explicit one: {@link #DEFAULT_IMAP_LOOKAHEAD} for a Group. */
    public int defaultLookahead() {
        return DEFAULT_IMAP_LOOKAHEAD;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + size() + " greenlet(s)]";
    }
}
