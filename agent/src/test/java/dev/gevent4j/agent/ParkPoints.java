package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Exchanger;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The JDK park points of the agent's {@code park} patch, as test cases: each makes a fresh primitive in a state where
 * {@link Point#block} parks the calling greenlet, and {@link Point#stillWorks} checks, after the greenlet was killed
 * or timed out there, that the primitive is consistent (no waiter node left, lock or monitor free, barrier broken as
 * the JDK's interrupt rule says) and still usable by other greenlets. Made and checked on the test's own thread.
 * {@link #all()} lists the interruptible waits, {@link #uninterruptible()} the JDK's uninterruptible ones.
 *
 * <pre>{@code
 * ParkPoints.all().forEach(c -> { Point p = c.make().apply(hub); ... p.block() in a greenlet ...; p.stillWorks(hub); });
 * }</pre>
 */
final class ParkPoints {
    private ParkPoints() {}

    /** A park point: blocks the calling greenlet, then checks the primitive after the wait ended with a kill. */
    interface Point extends AutoCloseable {
        void block() throws Exception;

        void stillWorks(Hub hub) throws Exception;

        /** Releases what the case holds (a platform thread, a lock), also when the test failed half-way. */
        @Override
        default void close() {}
    }

    /**
     * A park point of one of the JDK's uninterruptible waits ({@link #uninterruptible()}): {@link #release} (on the
     * test's thread) makes the condition {@link #block} waits for hold, so that a thread that ignored an interrupt
     * there returns.
     */
    interface Releasable extends Point {
        void release() throws Exception;
    }

    record Case(String name, Function<Hub, Point> make) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Duration LONG = Duration.ofSeconds(10);

    /** Waits until {@code g} is parked (WAITING or TIMED_WAITING). */
    static void awaitParked(Greenlet<?> g) throws InterruptedException {
        while (g.getThread() == null || (g.getThread().getState() != Thread.State.WAITING
                && g.getThread().getState() != Thread.State.TIMED_WAITING)) {
            Thread.sleep(1);
        }
    }

    private interface Block {
        void run() throws Exception;
    }

    private interface Check {
        void run(Hub hub) throws Exception;
    }

    private static Point point(Block block, Check check) {
        return new Point() {
            public void block() throws Exception {
                block.run();
            }

            public void stillWorks(Hub hub) throws Exception {
                check.run(hub);
            }
        };
    }

    /** The park points of interruptible waits: on a platform thread an interrupt ends them with InterruptedException. */
    static Stream<Case> all() {
        return Stream.of(
                new Case("Thread.sleep", hub -> point(() -> Thread.sleep(60_000), h -> { })),
                objectWait("Object.wait()", 0),
                objectWait("Object.wait(ms)", 60_000),
                threadJoin(false),
                threadJoin(true),
                futureTask("FutureTask.get()", false),
                futureTask("FutureTask.get(timeout)", true),
                completableFuture("CompletableFuture.get()", false),
                completableFuture("CompletableFuture.get(timeout)", true),
                forkJoinTask("ForkJoinTask.get()", 0),
                forkJoinTask("ForkJoinTask.get(timeout)", 1),
                forkJoinTask("ForkJoinTask.quietlyJoin(timeout)", 2),
                transferQueueTake("LinkedTransferQueue.take", false),
                transferQueueTake("LinkedTransferQueue.poll(timeout)", true),
                transferQueueTransfer("LinkedTransferQueue.transfer", false),
                transferQueueTransfer("LinkedTransferQueue.tryTransfer(timeout)", true),
                synchronousTake("SynchronousQueue.take", false, false),
                synchronousTake("SynchronousQueue(fair).take", false, true),
                synchronousTake("SynchronousQueue.poll(timeout)", true, false),
                synchronousPut("SynchronousQueue.put", false),
                synchronousPut("SynchronousQueue.offer(timeout)", true),
                exchanger("Exchanger.exchange", false),
                exchanger("Exchanger.exchange(timeout)", true),
                phaser("Phaser.awaitAdvanceInterruptibly", false),
                phaser("Phaser.awaitAdvanceInterruptibly(timeout)", true),
                cyclicBarrier("CyclicBarrier.await", false),
                cyclicBarrier("CyclicBarrier.await(timeout)", true),
                reentrantLock("ReentrantLock.lockInterruptibly", false),
                reentrantLock("ReentrantLock.tryLock(timeout)", true),
                readWriteLock("ReentrantReadWriteLock.writeLock.lockInterruptibly", false, false),
                readWriteLock("ReentrantReadWriteLock.readLock.tryLock(timeout)", true, true),
                readWriteLock("ReentrantReadWriteLock.readLock.lockInterruptibly", true, false),
                readWriteLockCondition(),
                stampedLock("StampedLock.writeLockInterruptibly", 0),
                stampedLock("StampedLock.readLockInterruptibly", 1),
                stampedLock("StampedLock.tryWriteLock(timeout)", 2),
                stampedLock("StampedLock.tryReadLock(timeout)", 3),
                new Case("Semaphore.acquire", hub -> {
                    Semaphore s = new Semaphore(0);
                    return point(s::acquire, h -> {
                        assertFalse(s.hasQueuedThreads());
                        s.release();
                        assertTrue(h.spawn(() -> s.tryAcquire(10, TimeUnit.SECONDS)).get(LONG));
                    });
                }),
                new Case("CountDownLatch.await(timeout)", hub -> {
                    CountDownLatch l = new CountDownLatch(1);
                    return point(() -> l.await(60, TimeUnit.SECONDS), h -> {
                        l.countDown();
                        assertTrue(h.spawn(() -> l.await(10, TimeUnit.SECONDS)).get(LONG));
                    });
                }),
                new Case("ArrayBlockingQueue.put (full)", hub -> {
                    ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(1, false, java.util.List.of("a"));
                    return point(() -> q.put("x"), h -> {
                        assertEquals(1, q.size());
                        assertEquals("a", q.take());
                        assertEquals("b", h.spawn(() -> {
                            q.put("b");
                            return q.take();
                        }).get(LONG));
                    });
                }));
    }

    /**
     * The park points of the JDK's uninterruptible waits (each {@link Point} is a {@link Releasable}): on a platform
     * thread an interrupt is recorded and the wait goes on; on a greenlet a kill or Timeout ends them.
     */
    static Stream<Case> uninterruptible() {
        return Stream.of(
                reentrantLockLock("ReentrantLock.lock", false),
                reentrantLockLock("ReentrantLock(fair).lock", true),
                readWriteLockLock("ReentrantReadWriteLock.writeLock.lock", false),
                readWriteLockLock("ReentrantReadWriteLock.readLock.lock", true),
                semaphoreUninterruptibly("Semaphore.acquireUninterruptibly", 1),
                semaphoreUninterruptibly("Semaphore.acquireUninterruptibly(2)", 2),
                awaitUninterruptibly("Condition.awaitUninterruptibly", false),
                awaitUninterruptibly("ReentrantReadWriteLock condition awaitUninterruptibly", true),
                stampedLockUninterruptibly("StampedLock.writeLock", 0),
                stampedLockUninterruptibly("StampedLock.readLock", 1),
                stampedLockUninterruptibly("StampedLock.asWriteLock().lock", 2),
                stampedLockUninterruptibly("StampedLock.asReadLock().lock", 3),
                completableFutureJoin(),
                forkJoinTaskJoin("ForkJoinTask.join", 0),
                forkJoinTaskJoin("ForkJoinTask.quietlyJoin()", 1),
                forkJoinTaskJoin("ForkJoinTask.quietlyJoinUninterruptibly(timeout)", 2),
                phaserAwaitAdvance("Phaser.awaitAdvance", false),
                phaserAwaitAdvance("Phaser.arriveAndAwaitAdvance", true));
    }

    private static Case reentrantLockLock(String name, boolean fair) {
        return new Case(name, hub -> {
            ReentrantLock lock = new ReentrantLock(fair);
            lock.lock(); // held by the test thread until stillWorks or release
            return new Releasable() {
                public void block() {
                    lock.lock();
                    lock.unlock();
                }

                public void stillWorks(Hub h) throws Exception {
                    assertFalse(lock.hasQueuedThreads(), "the killed waiter's node is cancelled");
                    assertEquals(1, lock.getHoldCount(), "only the test thread holds the lock");
                    lock.unlock();
                    assertFalse(lock.isLocked());
                    assertTrue(h.spawn(() -> {
                        lock.lock();
                        try {
                            return lock.isHeldByCurrentThread();
                        } finally {
                            lock.unlock();
                        }
                    }).get(LONG));
                    assertFalse(lock.isLocked());
                }

                public void release() {
                    lock.unlock();
                }

                public void close() {
                    if (lock.isHeldByCurrentThread()) {
                        lock.unlock();
                    }
                }
            };
        });
    }

    private static Case readWriteLockLock(String name, boolean read) {
        return new Case(name, hub -> {
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            rw.writeLock().lock(); // held by the test thread until stillWorks or release
            Lock l = read ? rw.readLock() : rw.writeLock();
            return new Releasable() {
                public void block() {
                    l.lock();
                    l.unlock();
                }

                public void stillWorks(Hub h) throws Exception {
                    assertFalse(rw.hasQueuedThreads(), "the killed waiter's node is cancelled");
                    assertEquals(0, rw.getReadLockCount());
                    assertEquals(1, rw.getWriteHoldCount(), "only the test thread holds the lock");
                    rw.writeLock().unlock();
                    assertTrue(h.spawn(() -> {
                        l.lock();
                        l.unlock();
                        return rw.getReadLockCount() == 0 && !rw.isWriteLocked();
                    }).get(LONG));
                }

                public void release() {
                    rw.writeLock().unlock();
                }

                public void close() {
                    if (rw.isWriteLockedByCurrentThread()) {
                        rw.writeLock().unlock();
                    }
                }
            };
        });
    }

    private static Case semaphoreUninterruptibly(String name, int permits) {
        return new Case(name, hub -> {
            Semaphore s = new Semaphore(permits - 1); // one short
            return new Releasable() {
                public void block() {
                    if (permits == 1) {
                        s.acquireUninterruptibly();
                    } else {
                        s.acquireUninterruptibly(permits);
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertFalse(s.hasQueuedThreads(), "the killed waiter's node is cancelled");
                    assertEquals(permits - 1, s.availablePermits(), "the killed waiter took no permit");
                    s.release();
                    assertTrue(h.spawn(() -> {
                        s.acquireUninterruptibly(permits);
                        return s.availablePermits() == 0;
                    }).get(LONG));
                }

                public void release() {
                    s.release();
                }
            };
        });
    }

    private static Case awaitUninterruptibly(String name, boolean readWriteLock) {
        return new Case(name, hub -> {
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            ReentrantLock rl = new ReentrantLock();
            Lock lock = readWriteLock ? rw.writeLock() : rl;
            Condition c = lock.newCondition();
            return new Releasable() {
                public void block() {
                    lock.lock();
                    try {
                        c.awaitUninterruptibly();
                    } finally {
                        lock.unlock(); // IllegalMonitorStateException if the wait ended without the lock
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertTrue(lock.tryLock(), "the killed waiter released the lock");
                    try {
                        assertFalse(readWriteLock ? rw.hasWaiters(c) : rl.hasWaiters(c), "no waiter left");
                    } finally {
                        lock.unlock();
                    }
                    Greenlet<Boolean> waiter = h.spawn(() -> {
                        lock.lock();
                        try {
                            c.awaitUninterruptibly();
                            return true;
                        } finally {
                            lock.unlock();
                        }
                    });
                    awaitParked(waiter);
                    release();
                    assertTrue(waiter.get(LONG));
                }

                public void release() {
                    lock.lock();
                    try {
                        c.signal();
                    } finally {
                        lock.unlock();
                    }
                }
            };
        });
    }

    private static Case stampedLockUninterruptibly(String name, int how) {
        return new Case(name, hub -> {
            StampedLock sl = new StampedLock();
            long held = sl.writeLock(); // released in stillWorks or release
            return new Releasable() {
                boolean released;

                public void block() {
                    switch (how) {
                        case 0 -> sl.unlockWrite(sl.writeLock());
                        case 1 -> sl.unlockRead(sl.readLock());
                        case 2 -> {
                            Lock w = sl.asWriteLock();
                            w.lock();
                            w.unlock();
                        }
                        default -> {
                            Lock r = sl.asReadLock();
                            r.lock();
                            r.unlock();
                        }
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertTrue(sl.isWriteLocked());
                    assertEquals(0, sl.getReadLockCount());
                    release();
                    assertFalse(sl.isWriteLocked() || sl.isReadLocked());
                    assertTrue(h.spawn(() -> {
                        sl.unlockRead(sl.readLock());
                        sl.unlockWrite(sl.writeLock());
                        return !sl.isWriteLocked() && !sl.isReadLocked();
                    }).get(LONG));
                }

                public void release() {
                    released = true;
                    sl.unlockWrite(held);
                }

                public void close() {
                    if (!released) {
                        sl.unlockWrite(held);
                    }
                }
            };
        });
    }

    private static Case completableFutureJoin() {
        return new Case("CompletableFuture.join", hub -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            return new Releasable() {
                public void block() {
                    f.join();
                }

                public void stillWorks(Hub h) throws Exception {
                    assertEquals(0, f.getNumberOfDependents(), "the waiter's Signaller is unlinked");
                    Greenlet<String> reader = h.spawn(() -> f.join());
                    awaitParked(reader);
                    release();
                    assertEquals("v", reader.get(LONG));
                }

                public void release() {
                    f.complete("v");
                }
            };
        });
    }

    private static Case forkJoinTaskJoin(String name, int how) {
        return new Case(name, hub -> {
            ForkJoinTask<String> t = ForkJoinTask.adapt(() -> "never run");
            return new Releasable() {
                public void block() {
                    switch (how) {
                        case 0 -> t.join();
                        case 1 -> t.quietlyJoin();
                        default -> t.quietlyJoinUninterruptibly(60, TimeUnit.SECONDS);
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertFalse(t.isDone());
                    Greenlet<String> reader = h.spawn(() -> t.join());
                    awaitParked(reader);
                    release();
                    assertEquals("v", reader.get(LONG));
                }

                public void release() {
                    t.complete("v");
                }
            };
        });
    }

    private static Case phaserAwaitAdvance(String name, boolean arrive) {
        return new Case(name, hub -> {
            Phaser ph = new Phaser(arrive ? 2 : 1);
            return new Releasable() {
                public void block() {
                    if (arrive) {
                        ph.arriveAndAwaitAdvance();
                    } else {
                        ph.awaitAdvance(0);
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertEquals(0, ph.getPhase());
                    assertEquals(arrive ? 1 : 0, ph.getArrivedParties(),
                            "an arrival before the wait counts, as after awaitAdvanceInterruptibly's interrupt");
                    Greenlet<Integer> waiter = h.spawn(() -> ph.awaitAdvance(0));
                    awaitParked(waiter);
                    release();
                    assertEquals(1, waiter.get(LONG));
                    assertEquals(1, ph.getPhase());
                }

                public void release() {
                    ph.arrive();
                }
            };
        });
    }

    private static Case objectWait(String name, long millis) {
        return new Case(name, hub -> {
            Object monitor = new Object();
            return point(() -> {
                synchronized (monitor) {
                    monitor.wait(millis);
                }
            }, h -> {
                // the monitor is free (this thread enters it at once) and wait/notify still work
                AtomicBoolean flag = new AtomicBoolean();
                Greenlet<String> w = h.spawn(() -> {
                    synchronized (monitor) {
                        while (!flag.get()) {
                            monitor.wait();
                        }
                    }
                    return "woken";
                });
                awaitParked(w);
                synchronized (monitor) {
                    flag.set(true);
                    monitor.notifyAll();
                }
                assertEquals("woken", w.get(LONG));
            });
        });
    }

    private static Case threadJoin(boolean virtual) {
        return new Case(virtual ? "Thread.join (a JDK virtual thread)" : "Thread.join (a platform thread)", hub -> {
            CountDownLatch release = new CountDownLatch(1);
            Runnable body = () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            Thread t = virtual ? Thread.ofVirtual().name("ParkPoints-join-target").start(body)
                    : Thread.ofPlatform().name("ParkPoints-join-target").daemon().start(body);
            return new Point() {
                public void block() throws Exception {
                    t.join();
                }

                public void stillWorks(Hub h) throws Exception {
                    assertTrue(t.isAlive());
                    release.countDown();
                    assertFalse(h.spawn(() -> {
                        t.join();
                        return t.isAlive();
                    }).get(LONG));
                }

                public void close() {
                    release.countDown();
                }
            };
        });
    }

    private static Case futureTask(String name, boolean timed) {
        return new Case(name, hub -> {
            FutureTask<String> f = new FutureTask<>(() -> "v");
            return point(() -> {
                if (timed) {
                    f.get(60, TimeUnit.SECONDS);
                } else {
                    f.get();
                }
            }, h -> {
                assertFalse(f.isDone());
                f.run();
                assertEquals("v", h.spawn(() -> f.get()).get(LONG));
            });
        });
    }

    private static Case completableFuture(String name, boolean timed) {
        return new Case(name, hub -> {
            CompletableFuture<String> f = new CompletableFuture<>();
            return point(() -> {
                if (timed) {
                    f.get(60, TimeUnit.SECONDS);
                } else {
                    f.get();
                }
            }, h -> {
                assertEquals(0, f.getNumberOfDependents(), "the waiter's Signaller is unlinked");
                Greenlet<String> reader = h.spawn(() -> f.get());
                awaitParked(reader);
                f.complete("v");
                assertEquals("v", reader.get(LONG));
            });
        });
    }

    private static Case forkJoinTask(String name, int how) {
        return new Case(name, hub -> {
            ForkJoinTask<String> t = ForkJoinTask.adapt(() -> "never run");
            return point(() -> {
                switch (how) {
                    case 0 -> t.get();
                    case 1 -> t.get(60, TimeUnit.SECONDS);
                    default -> t.quietlyJoin(60, TimeUnit.SECONDS);
                }
            }, h -> {
                assertFalse(t.isDone());
                Greenlet<String> reader = h.spawn(() -> t.get());
                awaitParked(reader);
                t.complete("v");
                assertEquals("v", reader.get(LONG));
            });
        });
    }

    private static Case transferQueueTake(String name, boolean timed) {
        return new Case(name, hub -> {
            LinkedTransferQueue<String> q = new LinkedTransferQueue<>();
            return point(() -> {
                if (timed) {
                    q.poll(60, TimeUnit.SECONDS);
                } else {
                    q.take();
                }
            }, h -> {
                assertFalse(q.hasWaitingConsumer(), "the killed consumer's node is cancelled");
                assertFalse(q.tryTransfer("lost"), "nobody may receive a transfer");
                q.put("x");
                assertEquals("x", h.spawn(() -> q.take()).get(LONG));
                assertTrue(q.isEmpty());
            });
        });
    }

    private static Case transferQueueTransfer(String name, boolean timed) {
        return new Case(name, hub -> {
            LinkedTransferQueue<String> q = new LinkedTransferQueue<>();
            return point(() -> {
                if (timed) {
                    q.tryTransfer("killed", 60, TimeUnit.SECONDS);
                } else {
                    q.transfer("killed");
                }
            }, h -> {
                assertTrue(q.isEmpty(), "the killed producer's item is withdrawn");
                assertNull(q.poll());
                Greenlet<String> consumer = h.spawn(() -> q.take());
                awaitParked(consumer);
                h.spawn(() -> {
                    q.transfer("y");
                    return null;
                }).get(LONG);
                assertEquals("y", consumer.get(LONG));
            });
        });
    }

    private static Case synchronousTake(String name, boolean timed, boolean fair) {
        return new Case(name, hub -> {
            SynchronousQueue<String> q = new SynchronousQueue<>(fair);
            return point(() -> {
                if (timed) {
                    q.poll(60, TimeUnit.SECONDS);
                } else {
                    q.take();
                }
            }, h -> {
                assertFalse(q.offer("lost"), "no consumer is left waiting");
                Greenlet<String> consumer = h.spawn(() -> q.take());
                awaitParked(consumer);
                assertTrue(q.offer("y", 10, TimeUnit.SECONDS));
                assertEquals("y", consumer.get(LONG));
            });
        });
    }

    private static Case synchronousPut(String name, boolean timed) {
        return new Case(name, hub -> {
            SynchronousQueue<String> q = new SynchronousQueue<>();
            return point(() -> {
                if (timed) {
                    q.offer("killed", 60, TimeUnit.SECONDS);
                } else {
                    q.put("killed");
                }
            }, h -> {
                assertNull(q.poll(), "no producer is left waiting");
                Greenlet<Void> producer = h.spawn(() -> {
                    q.put("y");
                    return null;
                });
                awaitParked(producer);
                assertEquals("y", q.poll(10, TimeUnit.SECONDS));
                producer.get(LONG);
            });
        });
    }

    private static Case exchanger(String name, boolean timed) {
        return new Case(name, hub -> {
            Exchanger<String> x = new Exchanger<>();
            return point(() -> {
                if (timed) {
                    x.exchange("killed", 60, TimeUnit.SECONDS);
                } else {
                    x.exchange("killed");
                }
            }, h -> {
                // a stale offer would be matched at once; the withdrawn one makes this wait out its (short) limit
                assertThrows(TimeoutException.class, () -> x.exchange("probe", 20, TimeUnit.MILLISECONDS));
                Greenlet<String> other = h.spawn(() -> x.exchange("g"));
                awaitParked(other);
                assertEquals("g", x.exchange("t", 10, TimeUnit.SECONDS));
                assertEquals("t", other.get(LONG));
            });
        });
    }

    private static Case phaser(String name, boolean timed) {
        return new Case(name, hub -> {
            Phaser ph = new Phaser(1);
            return point(() -> {
                if (timed) {
                    ph.awaitAdvanceInterruptibly(0, 60, TimeUnit.SECONDS);
                } else {
                    ph.awaitAdvanceInterruptibly(0);
                }
            }, h -> {
                assertEquals(0, ph.getPhase());
                Greenlet<Integer> waiter = h.spawn(() -> ph.awaitAdvanceInterruptibly(0));
                awaitParked(waiter);
                ph.arrive();
                assertEquals(1, waiter.get(LONG));
                assertEquals(1, ph.getPhase());
            });
        });
    }

    private static Case cyclicBarrier(String name, boolean timed) {
        return new Case(name, hub -> {
            CyclicBarrier b = new CyclicBarrier(2);
            return point(() -> {
                if (timed) {
                    b.await(60, TimeUnit.SECONDS);
                } else {
                    b.await();
                }
            }, h -> {
                assertTrue(b.isBroken(), "as for an interrupt, the barrier is broken for the other parties");
                assertEquals(0, b.getNumberWaiting());
                b.reset();
                Greenlet<Integer> one = h.spawn(() -> b.await());
                Greenlet<Integer> two = h.spawn(() -> b.await());
                assertEquals(1, one.get(LONG) + two.get(LONG), "arrival indexes 1 and 0");
                assertFalse(b.isBroken());
            });
        });
    }

    private static Case reentrantLock(String name, boolean timed) {
        return new Case(name, hub -> {
            ReentrantLock lock = new ReentrantLock();
            lock.lock(); // held by the test thread until stillWorks
            return new Point() {
                public void block() throws Exception {
                    if (timed) {
                        if (lock.tryLock(60, TimeUnit.SECONDS)) {
                            lock.unlock();
                        }
                    } else {
                        lock.lockInterruptibly();
                        lock.unlock();
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertFalse(lock.hasQueuedThreads(), "the killed waiter's node is cancelled");
                    lock.unlock();
                    assertTrue(h.spawn(() -> {
                        lock.lockInterruptibly();
                        lock.unlock();
                        return !lock.isLocked();
                    }).get(LONG));
                }

                public void close() {
                    if (lock.isHeldByCurrentThread()) {
                        lock.unlock();
                    }
                }
            };
        });
    }

    private static Case readWriteLock(String name, boolean read, boolean timed) {
        return new Case(name, hub -> {
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            rw.writeLock().lock(); // held by the test thread until stillWorks
            java.util.concurrent.locks.Lock l = read ? rw.readLock() : rw.writeLock();
            return new Point() {
                public void block() throws Exception {
                    if (timed) {
                        if (l.tryLock(60, TimeUnit.SECONDS)) {
                            l.unlock();
                        }
                    } else {
                        l.lockInterruptibly();
                        l.unlock();
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertFalse(rw.hasQueuedThreads(), "the killed waiter's node is cancelled");
                    rw.writeLock().unlock();
                    assertTrue(h.spawn(() -> {
                        l.lockInterruptibly();
                        l.unlock();
                        return rw.getReadLockCount() == 0 && !rw.isWriteLocked();
                    }).get(LONG));
                }

                public void close() {
                    if (rw.isWriteLockedByCurrentThread()) {
                        rw.writeLock().unlock();
                    }
                }
            };
        });
    }

    private static Case readWriteLockCondition() {
        return new Case("ReentrantReadWriteLock condition await", hub -> {
            ReentrantReadWriteLock rw = new ReentrantReadWriteLock();
            Condition c = rw.writeLock().newCondition();
            return point(() -> {
                rw.writeLock().lock();
                try {
                    c.await();
                } finally {
                    rw.writeLock().unlock();
                }
            }, h -> {
                assertFalse(rw.isWriteLocked(), "the waiter re-acquired, then released the lock");
                Greenlet<Boolean> waiter = h.spawn(() -> {
                    rw.writeLock().lock();
                    try {
                        return c.await(10, TimeUnit.SECONDS);
                    } finally {
                        rw.writeLock().unlock();
                    }
                });
                awaitParked(waiter);
                rw.writeLock().lock();
                try {
                    c.signal();
                } finally {
                    rw.writeLock().unlock();
                }
                assertTrue(waiter.get(LONG));
            });
        });
    }

    private static Case stampedLock(String name, int how) {
        return new Case(name, hub -> {
            StampedLock sl = new StampedLock();
            long held = sl.writeLock(); // released in stillWorks
            return new Point() {
                boolean released;

                public void block() throws Exception {
                    switch (how) {
                        case 0 -> sl.unlockWrite(sl.writeLockInterruptibly());
                        case 1 -> sl.unlockRead(sl.readLockInterruptibly());
                        case 2 -> {
                            long s = sl.tryWriteLock(60, TimeUnit.SECONDS);
                            if (s != 0) {
                                sl.unlockWrite(s);
                            }
                        }
                        default -> {
                            long s = sl.tryReadLock(60, TimeUnit.SECONDS);
                            if (s != 0) {
                                sl.unlockRead(s);
                            }
                        }
                    }
                }

                public void stillWorks(Hub h) throws Exception {
                    assertTrue(sl.isWriteLocked());
                    released = true;
                    sl.unlockWrite(held);
                    assertFalse(sl.isWriteLocked() || sl.isReadLocked());
                    assertTrue(h.spawn(() -> {
                        sl.unlockRead(sl.readLockInterruptibly());
                        sl.unlockWrite(sl.writeLockInterruptibly());
                        return !sl.isWriteLocked() && !sl.isReadLocked();
                    }).get(LONG));
                }

                public void close() {
                    if (!released) {
                        sl.unlockWrite(held);
                    }
                }
            };
        });
    }
}
