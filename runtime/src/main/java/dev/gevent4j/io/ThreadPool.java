package dev.gevent4j.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A pool of platform threads for work that would otherwise stall a hub: CPU-bound computations and native or
 * otherwise non-cooperative blocking calls (gevent's {@code ThreadPool}). A greenlet hands a function to the pool
 * and parks until its result arrives; the hub keeps running the other greenlets.
 *
 * <pre>{@code
 * ThreadPool pool = Hub.getDefault().threadPool();          // 10 threads unless gevent4j.threadpool.size says otherwise
 * long n = pool.submit(() -> countPrimes(10_000_000)).get();  // parks only the calling greenlet
 * List<Integer> lengths = pool.map(String::length, List.of("a", "bb"));
 * }</pre>
 *
 * <p>Each hub has one pool ({@code Hub.threadPool()}; the hubs of a {@code HubGroup} share the group's), created on
 * first use and shut down when the hub (or the group) closes:
 * every result not yet filled fails with {@link java.util.concurrent.CancellationException}, queued functions are
 * dropped and running ones interrupted. Threads are created on demand up to the size, are daemons named
 * {@code <hub>-pool-N}, and end after 10 seconds idle.
 *
 * <p>Timeout, interrupt and kill: see {@link ThreadResult}; a greenlet killed while it waits stops waiting, its
 * function keeps running. Thread contract: any thread may submit.
 */
public final class ThreadPool implements AutoCloseable {
    /*
     * A ThreadPoolExecutor does the thread management. Submitting from a greenlet only takes the executor's
     * ReentrantLocks (a greenlet parks, never pins, if they are contended). Results travel back by
     * ThreadResult.complete → LockSupport.unpark(greenlet) → the hub's scheduler → the hub loop's wake-up.
     */
    private final ThreadPoolExecutor executor;
    private final int size;
    private final java.util.Set<ThreadResult<?>> unfinished = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Creates a pool of at most {@code size} threads named {@code namePrefix-N}.
     *
     * @throws IllegalArgumentException if size is not at least 1
     */
    public ThreadPool(String namePrefix, int size) {
        Objects.requireNonNull(namePrefix, "namePrefix");
        if (size < 1) {
            throw new IllegalArgumentException("thread pool size is " + size + "; it must be at least 1");
        }
        this.size = size;
        AtomicInteger ids = new AtomicInteger(1);
        this.executor = new ThreadPoolExecutor(size, size, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, namePrefix + "-" + ids.getAndIncrement());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /** The maximum number of threads. */
    public int size() {
        return size;
    }

    /**
     * Runs {@code fn} on a pool thread; returns at once.
     *
     * @throws IllegalStateException if the pool (its hub) is shut down
     */
    public <T> ThreadResult<T> submit(Callable<T> fn) {
        Objects.requireNonNull(fn, "fn");
        ThreadResult<T> result = new ThreadResult<>();
        Runnable task = () -> {
            if (result.isDone()) {
                return; // cancelled before it started
            }
            T v = null;
            Throwable failure = null;
            try {
                v = fn.call();
            } catch (Throwable t) {
                failure = t;
            } finally {
                unfinished.remove(result);
            }
            result.complete(v, failure);
        };
        unfinished.add(result);
        Future<?> f;
        try {
            f = executor.submit(task);
        } catch (RejectedExecutionException e) {
            unfinished.remove(result);
            throw new IllegalStateException("the thread pool is shut down (its hub or hub group was closed): "
                    + "submit to an open hub's threadPool()", e);
        }
        result.setCanceller(() -> f.cancel(true));
        return result;
    }

    /** Runs {@code fn} on a pool thread and waits for its value (gevent's {@code apply}). */
    public <T> T apply(Callable<T> fn) {
        return submit(fn).get();
    }

    /**
     * Applies {@code fn} to every element on pool threads, concurrently up to the pool size, and returns the results
     * in the order of {@code items}. The first failure (in that order) is raised after every call has ended.
     */
    public <A, R> List<R> map(Function<? super A, ? extends R> fn, Collection<? extends A> items) {
        Objects.requireNonNull(fn, "fn");
        Objects.requireNonNull(items, "items");
        List<ThreadResult<R>> results = new ArrayList<>(items.size());
        for (A a : items) {
            results.add(submit(() -> fn.apply(a)));
        }
        List<R> out = new ArrayList<>(results.size());
        RuntimeException first = null;
        for (ThreadResult<R> r : results) {
            try {
                out.add(r.get());
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
        return out;
    }

    /** Whether {@link #close()} was called. */
    public boolean isShutdown() {
        return executor.isShutdown();
    }

    /**
     * Shuts the pool down: the results of queued and running functions are cancelled, queued functions are dropped
     * and running ones interrupted;
     * waits up to 2 seconds for the threads to end. Idempotent. Called by {@code Hub.close()}.
     */
    @Override
    public void close() {
        executor.shutdown(); // no new submissions from here on
        // results first, so that a function ending with the interrupt below cannot replace the cancellation
        for (ThreadResult<?> r : unfinished) {
            r.complete(null, new java.util.concurrent.CancellationException(
                    "the thread pool was shut down (its hub or hub group closed) before the function ended"));
        }
        unfinished.clear();
        executor.shutdownNow();
        boolean interrupted = false;
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
