package dev.gevent4j.pool;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.internal.Throwables;
import dev.gevent4j.lock.Semaphore;
import dev.gevent4j.queue.Queue;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The lazy results of {@link Group#imap} or {@link Group#imapUnordered}: gevent's {@code IMap}/{@code IMapUnordered}.
 * A single-pass iterator (and an {@link Iterable} whose {@code iterator()} returns it, for for-each loops) whose
 * {@code next()} waits for the next result: in input order for {@code imap}, in completion order for
 * {@code imapUnordered}.
 *
 * <pre>{@code
 * try (IMap<Integer> sizes = pool.imap(url -> fetch(url).length(), urls)) {
 *     for (int n : sizes) System.out.println(n);
 * }
 * }</pre>
 *
 * <p>A feeder greenlet (on the hub of the caller that created the iterator) takes items from the input one at a time
 * and spawns a member greenlet for each; it runs at most {@code lookahead} items ahead of the reader, so neither the
 * input nor the results are ever read or held in full (backpressure). When an application of the function failed,
 * {@code next()} raises its exception (as {@link Greenlet#get()} does) when that result is reached; the iteration can
 * continue afterwards. If reading the input fails, that exception is raised after the results of the items read
 * before it.
 *
 * <p><b>Timeout, interrupt and kill.</b> {@code next()} and {@code hasNext()} wait without a limit; bound them with a
 * {@link dev.gevent4j.Timeout}. A kill or Timeout raised in the reader propagates and leaves the iterator usable.
 * {@link #close()} kills the feeder (member greenlets already spawned keep running in the group); close an iterator
 * you stop reading early, or its feeder stays blocked.
 */
public final class IMap<R> implements Iterator<R>, Iterable<R>, AutoCloseable {
    /*
     * Implementation note: `results` (an unbounded gevent4j Queue) carries, for imap, the member greenlets in input
     * order (the reader then joins each in turn), and for imapUnordered, the member greenlets as they end (put by a
     * link); both followed by an End marker with the number of items spawned. `window`, a Semaphore of `lookahead`
     * permits, is taken by the feeder before it reads an item and returned by the reader after it consumed one.
     */
    private static final Object NONE = new Object();

    private record End(int count, Throwable inputError) {}

    private final Queue<Object> results = new Queue<>();
    private final Semaphore window;
    private final Greenlet<Void> feeder;
    private Object pending = NONE;
    private int consumed;
    private int total = -1;
    private Throwable inputError;
    private boolean finished;
    private boolean iteratorTaken;

    <A> IMap(Group group, Function<? super A, ? extends R> fn, Iterable<? extends A> items, int lookahead,
             boolean ordered) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        if (lookahead < 1) {
            throw new IllegalArgumentException("lookahead is " + lookahead + "; it must be >= 1");
        }
        this.window = new Semaphore(lookahead);
        this.feeder = Gevent.spawn(() -> feed(group, fn, items, ordered));
        feeder.setName("imap-feeder-" + feeder.getName());
    }

    private <A> void feed(Group group, Function<? super A, ? extends R> fn, Iterable<? extends A> items,
                          boolean ordered) {
        int n = 0;
        Throwable error = null;
        try {
            Iterator<? extends A> it = items.iterator();
            while (true) {
                window.acquire();
                if (!it.hasNext()) {
                    window.release();
                    break;
                }
                A a = it.next();
                Greenlet<R> g = group.spawn(() -> fn.apply(a));
                n++;
                if (ordered) {
                    results.put(g);
                } else {
                    g.link(done -> results.offer(done));
                }
            }
        } catch (Exception e) {
            error = e; // reading the input failed (an Error such as a kill propagates)
        }
        results.put(new End(n, error));
    }

    /** Returns this iterator; it can be iterated once. */
    @Override
    public Iterator<R> iterator() {
        if (iteratorTaken) {
            throw new IllegalStateException("an IMap can be iterated once; call imap again for a new pass");
        }
        iteratorTaken = true;
        return this;
    }

    /** Whether another result will come; waits until that is known. */
    @Override
    public boolean hasNext() {
        while (true) {
            if (pending != NONE) {
                return true;
            }
            if (finished) {
                return false;
            }
            if (total >= 0 && consumed == total) {
                finished = true;
                if (inputError != null) {
                    throw Throwables.rethrow(inputError);
                }
                return false;
            }
            Object o = results.get();
            if (o instanceof End e) {
                total = e.count;
                inputError = e.inputError;
            } else {
                pending = o;
            }
        }
    }

    /**
     * Waits for the next result and returns it, or raises the exception of that application of the function.
     *
     * @throws NoSuchElementException if there are no more results
     */
    @Override
    @SuppressWarnings("unchecked")
    public R next() {
        if (!hasNext()) {
            throw new NoSuchElementException("imap has no more results");
        }
        Greenlet<R> g = (Greenlet<R>) pending;
        try {
            R r = g.get();
            pending = NONE;
            consumed++;
            window.release();
            return r;
        } catch (RuntimeException | Error e) {
            Throwable failure = g.isDead() ? g.exception() : null;
            if (failure != null && (e == failure || e.getCause() == failure)) {
                // the application failed: consume it (a kill of the reader leaves the result pending)
                pending = NONE;
                consumed++;
                window.release();
            }
            throw e;
        }
    }

    /** Stops the feeder (no more items are read or spawned). Results not read yet are dropped. Idempotent. */
    @Override
    public void close() {
        finished = true;
        if (!feeder.isDead()) {
            feeder.kill();
        }
    }
}
