package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 17: under the agent, the timed java.util.concurrent waits of a greenlet on a virtual-time hub follow the
 * hub's clock. Each wait times out after its virtual timeout in far less wall time; a wait signalled before its
 * virtual deadline still returns its value; a schedule of queue polls and puts gives the same events in the same
 * order on virtual time as in real time. (Before the fix such a wait kept the clock real: one virtual hour took a
 * real hour.)
 */
// SEPARATE_THREAD: Greenlet.get from outside does not end on the interrupt of a same-thread timeout, and a wait
// that missed the virtual clock would run its real hour
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualTimeJucTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);

    /** One timed wait: {@code timesOut} waits one hour with nothing to end it early and returns what it saw. */
    record Case(String name, Callable<Object> timesOut) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A greenlet of this hub that holds {@code lock} for two hours (on a gevent4j timed wait), killed by the case. */
    private static Greenlet<Void> holding(java.util.concurrent.locks.Lock lock) {
        Greenlet<Void> holder = Gevent.spawn(() -> {
            lock.lock();
            try {
                Gevent.sleep(Duration.ofHours(2));
            } finally {
                lock.unlock();
            }
        });
        Gevent.sleep(Duration.ZERO); // the holder runs first and takes the lock
        return holder;
    }

    static Stream<Case> timedWaits() {
        return Stream.of(
                new Case("Condition.await(timeout)", () -> {
                    ReentrantLock lock = new ReentrantLock();
                    Condition c = lock.newCondition();
                    lock.lock();
                    try {
                        return c.await(1, TimeUnit.HOURS);
                    } finally {
                        lock.unlock();
                    }
                }),
                new Case("Condition.awaitNanos", () -> {
                    ReentrantLock lock = new ReentrantLock();
                    Condition c = lock.newCondition();
                    lock.lock();
                    try {
                        return c.awaitNanos(HOUR) <= 0;
                    } finally {
                        lock.unlock();
                    }
                }),
                new Case("RRWL write Condition.await(timeout)", () -> {
                    ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
                    Condition c = rw.writeLock().newCondition();
                    rw.writeLock().lock();
                    try {
                        return c.await(1, TimeUnit.HOURS);
                    } finally {
                        rw.writeLock().unlock();
                    }
                }),
                new Case("ArrayBlockingQueue.poll(timeout)",
                        () -> new ArrayBlockingQueue<String>(1).poll(1, TimeUnit.HOURS)),
                new Case("LinkedBlockingQueue.poll(timeout)",
                        () -> new LinkedBlockingQueue<String>().poll(1, TimeUnit.HOURS)),
                new Case("ArrayBlockingQueue.offer(timeout) on a full queue",
                        () -> new ArrayBlockingQueue<>(1, false, List.of("x")).offer("y", 1, TimeUnit.HOURS)),
                new Case("SynchronousQueue.poll(timeout)",
                        () -> new SynchronousQueue<String>().poll(1, TimeUnit.HOURS)),
                new Case("LinkedTransferQueue.poll(timeout)",
                        () -> new LinkedTransferQueue<String>().poll(1, TimeUnit.HOURS)),
                new Case("Semaphore.tryAcquire(timeout)", () -> new Semaphore(0).tryAcquire(1, TimeUnit.HOURS)),
                new Case("CountDownLatch.await(timeout)", () -> new CountDownLatch(1).await(1, TimeUnit.HOURS)),
                new Case("ReentrantLock.tryLock(timeout)", () -> {
                    ReentrantLock lock = new ReentrantLock();
                    Greenlet<Void> holder = holding(lock);
                    try {
                        return lock.tryLock(1, TimeUnit.HOURS);
                    } finally {
                        holder.kill();
                    }
                }),
                new Case("RRWL read tryLock(timeout)", () -> {
                    ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
                    Greenlet<Void> holder = holding(rw.writeLock());
                    try {
                        return rw.readLock().tryLock(1, TimeUnit.HOURS);
                    } finally {
                        holder.kill();
                    }
                }),
                new Case("StampedLock.tryWriteLock(timeout)", () -> {
                    StampedLock sl = new StampedLock();
                    long read = sl.readLock();
                    try {
                        return sl.tryWriteLock(1, TimeUnit.HOURS);
                    } finally {
                        sl.unlockRead(read);
                    }
                }),
                new Case("FutureTask.get(timeout)", () -> {
                    try {
                        return new FutureTask<>(() -> "never run").get(1, TimeUnit.HOURS);
                    } catch (TimeoutException e) {
                        return "TimeoutException";
                    }
                }),
                new Case("CompletableFuture.get(timeout)", () -> {
                    try {
                        return new CompletableFuture<String>().get(1, TimeUnit.HOURS);
                    } catch (TimeoutException e) {
                        return "TimeoutException";
                    }
                }),
                new Case("ForkJoinTask.get(timeout)", () -> {
                    RecursiveTask<String> never = new RecursiveTask<>() {
                        @Override
                        protected String compute() {
                            return "never forked";
                        }
                    };
                    try {
                        return never.get(1, TimeUnit.HOURS);
                    } catch (TimeoutException e) {
                        return "TimeoutException";
                    }
                }),
                new Case("Exchanger.exchange(timeout)", () -> {
                    try {
                        return new Exchanger<String>().exchange("x", 1, TimeUnit.HOURS);
                    } catch (TimeoutException e) {
                        return "TimeoutException";
                    }
                }),
                new Case("Phaser.awaitAdvanceInterruptibly(timeout)", () -> {
                    Phaser p = new Phaser(2);
                    try {
                        return p.awaitAdvanceInterruptibly(p.arrive(), 1, TimeUnit.HOURS);
                    } catch (TimeoutException e) {
                        return "TimeoutException";
                    }
                }),
                new Case("CyclicBarrier.await(timeout)", () -> {
                    try {
                        return new CyclicBarrier(2).await(1, TimeUnit.HOURS);
                    } catch (TimeoutException e) {
                        return "TimeoutException";
                    } catch (BrokenBarrierException e) {
                        return "BrokenBarrierException";
                    }
                }),
                new Case("LockSupport.parkNanos", () -> {
                    LockSupport.parkNanos(HOUR);
                    return "returned";
                }),
                new Case("Object.wait(timeout)", () -> {
                    Object mon = new Object();
                    synchronized (mon) {
                        mon.wait(TimeUnit.HOURS.toMillis(1));
                    }
                    return "returned";
                }));
    }

    /** What each wait returns when it times out (in real time as on virtual time). */
    private static Object expectedTimeout(String name) {
        return switch (name) {
            case "ArrayBlockingQueue.poll(timeout)", "LinkedBlockingQueue.poll(timeout)",
                 "SynchronousQueue.poll(timeout)", "LinkedTransferQueue.poll(timeout)" -> null;
            case "StampedLock.tryWriteLock(timeout)" -> 0L;
            case "Condition.awaitNanos" -> true;
            case "FutureTask.get(timeout)", "CompletableFuture.get(timeout)", "ForkJoinTask.get(timeout)",
                 "Exchanger.exchange(timeout)", "Phaser.awaitAdvanceInterruptibly(timeout)",
                 "CyclicBarrier.await(timeout)" -> "TimeoutException";
            case "LockSupport.parkNanos", "Object.wait(timeout)" -> "returned";
            default -> false;
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("timedWaits")
    void aTimedWaitTimesOutAfterOneVirtualHourInLittleWallTime(Case c) {
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            long wall0 = System.nanoTime();
            long v0 = vt.nanoTime();
            Object seen = vt.spawn(c.timesOut()).get();
            long virtual = vt.nanoTime() - v0;
            long wall = System.nanoTime() - wall0;
            assertEquals(expectedTimeout(c.name()), seen, c.name() + " timed out");
            assertTrue(virtual >= HOUR, c.name() + ": one virtual hour passed, not " + virtual + " ns");
            assertTrue(virtual < HOUR + MINUTE, c.name() + ": only about one hour passed: " + virtual + " ns");
            assertTrue(wall < TimeUnit.SECONDS.toNanos(1), c.name() + ": in < 1 s of wall time: " + wall / 1_000_000
                    + " ms");
        }
    }

    @Test
    void aWaitSignalledBeforeItsVirtualDeadlineReturnsItsValue() {
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            long wall0 = System.nanoTime();
            long v0 = vt.nanoTime();
            List<String> log = new CopyOnWriteArrayList<>();
            Callable<String> at = () -> "@" + (vt.nanoTime() - v0) / MINUTE + "min";
            String r = vt.spawn(() -> {
                ReentrantLock lock = new ReentrantLock();
                Condition cond = lock.newCondition();
                ArrayBlockingQueue<String> queue = new ArrayBlockingQueue<>(1);
                Semaphore sem = new Semaphore(0);
                CompletableFuture<String> cf = new CompletableFuture<>();
                FutureTask<String> ft = new FutureTask<>(() -> "task");
                SynchronousQueue<String> sq = new SynchronousQueue<>();
                Greenlet<Void> signaller = Gevent.spawn(() -> {
                    Thread.sleep(Duration.ofMinutes(10));
                    lock.lock();
                    try {
                        log.add("signal" + at.call());
                        cond.signal();
                    } finally {
                        lock.unlock();
                    }
                    Thread.sleep(Duration.ofMinutes(10));
                    log.add("offer" + at.call());
                    queue.offer("item");
                    Thread.sleep(Duration.ofMinutes(10));
                    log.add("release" + at.call());
                    sem.release();
                    Thread.sleep(Duration.ofMinutes(10));
                    log.add("complete" + at.call());
                    cf.complete("value");
                    Thread.sleep(Duration.ofMinutes(10));
                    log.add("run" + at.call());
                    ft.run();
                    Thread.sleep(Duration.ofMinutes(10));
                    log.add("put" + at.call());
                    sq.put("handed");
                    return null;
                });
                lock.lock();
                try {
                    log.add("await " + cond.await(1, TimeUnit.HOURS) + at.call());
                } finally {
                    lock.unlock();
                }
                log.add("poll " + queue.poll(1, TimeUnit.HOURS) + at.call());
                log.add("tryAcquire " + sem.tryAcquire(1, TimeUnit.HOURS) + at.call());
                log.add("get " + cf.get(1, TimeUnit.HOURS) + at.call());
                log.add("get " + ft.get(1, TimeUnit.HOURS) + at.call());
                log.add("poll " + sq.poll(1, TimeUnit.HOURS) + at.call());
                signaller.get();
                return "done" + at.call();
            }).get();
            long wall = System.nanoTime() - wall0;
            assertEquals("done@60min", r);
            assertEquals(List.of("signal@10min", "await true@10min", "offer@20min", "poll item@20min",
                    "release@30min", "tryAcquire true@30min", "complete@40min", "get value@40min", "run@50min",
                    "get task@50min", "put@60min", "poll handed@60min"), log);
            assertTrue(wall < TimeUnit.SECONDS.toNanos(1), "in < 1 s of wall time: " + wall / 1_000_000 + " ms");
        }
    }

    /**
     * A producer puts at 1, 3 and 6 units; a consumer polls with a 2.5-unit timeout until two timeouts. Run with a
     * 50 ms unit on a real-time hub and a 1 min unit on a virtual-time hub: the same events in the same order.
     */
    private static List<String> pollSchedule(Hub hub, long unitNanos) {
        List<String> log = new CopyOnWriteArrayList<>();
        hub.spawn(() -> {
            ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(4);
            Greenlet<Void> producer = Gevent.spawn(() -> {
                long t = 0;
                for (long at : new long[] {1, 3, 6}) {
                    Thread.sleep(Duration.ofNanos((at - t) * unitNanos));
                    t = at;
                    q.put("item" + at);
                }
                return null;
            });
            int timeouts = 0;
            while (timeouts < 2) {
                String item = q.poll(unitNanos * 5 / 2, TimeUnit.NANOSECONDS);
                if (item == null) {
                    timeouts++;
                    log.add("timeout");
                } else {
                    log.add(item);
                }
            }
            producer.get();
            return null;
        }).get();
        return log;
    }

    @Test
    void queuePollsGiveTheSameOrderOnVirtualTimeAsInRealTime() {
        List<String> real;
        try (Hub rt = Hub.builder().build()) {
            real = pollSchedule(rt, TimeUnit.MILLISECONDS.toNanos(50));
        }
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            long wall0 = System.nanoTime();
            long v0 = vt.nanoTime();
            List<String> virtual = pollSchedule(vt, MINUTE);
            long wall = System.nanoTime() - wall0;
            assertEquals(List.of("item1", "item3", "timeout", "item6", "timeout"), real, "real time");
            assertEquals(real, virtual, "virtual time gives the same order");
            long elapsed = vt.nanoTime() - v0;
            assertTrue(elapsed >= MINUTE * 17 / 2 && elapsed < MINUTE * 9, "8.5 virtual minutes: " + elapsed);
            assertTrue(wall < TimeUnit.SECONDS.toNanos(1), "in < 1 s of wall time: " + wall / 1_000_000 + " ms");
        }
    }

    /** A class initializer pins its greenlet to the hub thread: its timed poll parks the hub thread itself. */
    static final class PollsWhilePinned {
        static final String RESULT;

        static {
            try {
                RESULT = String.valueOf(new ArrayBlockingQueue<String>(1).poll(200, TimeUnit.MILLISECONDS));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    /**
     * A pinned greenlet cannot unmount, so its timed wait parks the hub thread in real time; that time moves the
     * virtual clock on (as an IO wait does), so the JDK's loop, re-measuring on the hub's clock, ends after 200 ms.
     * Without it the wait would park again and again, the clock standing still.
     */
    @Test
    void aPinnedGreenletsTimedWaitEndsAfterItsRealDuration() {
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            long wall0 = System.nanoTime();
            long v0 = vt.nanoTime();
            assertEquals("null", vt.spawn(() -> PollsWhilePinned.RESULT).get());
            long wall = System.nanoTime() - wall0;
            long virtual = vt.nanoTime() - v0;
            assertTrue(wall >= TimeUnit.MILLISECONDS.toNanos(200), "pinned: real time " + wall);
            assertTrue(virtual >= TimeUnit.MILLISECONDS.toNanos(200), "the clock moved with it: " + virtual);
            assertTrue(wall < TimeUnit.SECONDS.toNanos(10), "and the wait ended: " + wall);
        }
    }

    /** Once a virtual-time hub exists, threads that are not its greenlets still wait in real time. */
    @Test
    void otherThreadsKeepRealTimeWhileAVirtualTimeHubRuns() throws Exception {
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            Greenlet<Void> sleeper = vt.spawn(() -> {
                Thread.sleep(Duration.ofHours(5)); // the hub's clock races ahead meanwhile
                return null;
            });
            Callable<Long> poll = () -> {
                long t0 = System.nanoTime();
                assertEquals(null, new ArrayBlockingQueue<String>(1).poll(100, TimeUnit.MILLISECONDS));
                ReentrantLock lock = new ReentrantLock();
                Condition c = lock.newCondition();
                lock.lock();
                try {
                    c.await(100, TimeUnit.MILLISECONDS);
                } finally {
                    lock.unlock();
                }
                return System.nanoTime() - t0;
            };
            assertTrue(poll.call() >= TimeUnit.MILLISECONDS.toNanos(200), "a platform thread");
            CompletableFuture<Long> jdkVirtual = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    jdkVirtual.complete(poll.call());
                } catch (Throwable t) {
                    jdkVirtual.completeExceptionally(t);
                }
            }).join();
            assertTrue(jdkVirtual.get() >= TimeUnit.MILLISECONDS.toNanos(200), "a virtual thread of the JDK");
            try (Hub rt = Hub.builder().build()) {
                assertTrue(rt.spawn(poll).get() >= TimeUnit.MILLISECONDS.toNanos(200), "a real-time hub's greenlet");
            }
            sleeper.get();
            assertTrue(sleeper.isDead());
        }
    }

    /** The list of cases, so that a new timed wait added above is not forgotten in {@link #expectedTimeout}. */
    @Test
    void everyCaseHasItsName() {
        List<String> names = new ArrayList<>();
        timedWaits().forEach(c -> names.add(c.name()));
        assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    }
}
