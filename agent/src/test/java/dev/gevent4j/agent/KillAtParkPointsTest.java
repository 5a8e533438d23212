package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Hub;
import dev.gevent4j.Timeout;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Under the agent (option park), kill and Timeout are raised at JDK park points (java.util.concurrent waits,
 * {@code Object.wait}, {@code Thread.join}, {@code Thread.sleep}) even when the application swallows
 * InterruptedException, and the lock, condition, queue, future, barrier or monitor stays consistent and usable. The
 * park points are listed in {@link ParkPoints}; each is tested with a kill while parked, a {@code Timeout} while
 * parked, and a kill that arrived while the greenlet ran, before it entered the wait. The JDK's uninterruptible waits
 * ({@link ParkPoints#uninterruptible()}: {@code Lock.lock}, {@code CompletableFuture.join}, ...) are kill points too;
 * on a platform thread, and for an application's own interrupt of a greenlet, they keep the JDK's behaviour (the
 * interrupt is recorded and the wait goes on).
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class KillAtParkPointsTest extends dev.gevent4j.testing.HubPerTest {
    private static void awaitParked(Greenlet<?> g) throws InterruptedException {
        ParkPoints.awaitParked(g);
    }

    /**
     * Blocks in {@code p} as an application that swallows InterruptedException would: each one is counted and the
     * wait entered again. Returns null after the third (the kill was not raised at the park point: the greenlet ends,
     * so that the test fails on its assertions instead of hanging).
     */
    private static Void blockSwallowingInterrupts(ParkPoints.Point p, AtomicInteger swallowed) throws Exception {
        while (true) {
            try {
                p.block();
                throw new AssertionError("the wait returned");
            } catch (InterruptedException e) {
                if (swallowed.incrementAndGet() == 3) {
                    return null;
                }
            }
        }
    }

    /** Every park point: interruptible and uninterruptible waits. */
    static Stream<ParkPoints.Case> parkPoints() {
        return Stream.concat(ParkPoints.all(), ParkPoints.uninterruptible());
    }

    static Stream<ParkPoints.Case> interruptibleParkPoints() {
        return ParkPoints.all();
    }

    static Stream<ParkPoints.Case> uninterruptibleParkPoints() {
        return ParkPoints.uninterruptible();
    }

    private static boolean parked(Thread t) {
        Thread.State s = t.getState();
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
    }

    /** Waits until {@code t} took the interrupt (an uninterruptible wait clears it) and parked again, or ended. */
    private static void awaitInterruptTakenAndParkedAgain(Thread t) throws InterruptedException {
        while (t.isAlive() && (t.isInterrupted() || !parked(t))) {
            Thread.sleep(1);
        }
    }

    @ParameterizedTest(name = "kill while parked in {0}")
    @MethodSource("parkPoints")
    void killWhileParkedIsRaisedThereAndThePrimitiveStillWorks(ParkPoints.Case c) throws Exception {
        try (ParkPoints.Point p = c.make().apply(hub)) {
            AtomicInteger swallowed = new AtomicInteger();
            AtomicBoolean interruptLeft = new AtomicBoolean();
            Greenlet<Void> g = hub.spawn(() -> {
                try {
                    return blockSwallowingInterrupts(p, swallowed);
                } finally {
                    interruptLeft.set(Thread.currentThread().isInterrupted());
                }
            });
            awaitParked(g);
            g.kill(new GreenletExit(), true, Duration.ofSeconds(30)); // bounded: a kill that is not raised fails here
            assertTrue(((Object) g.value()) instanceof GreenletExit, c + ": " + g.exception());
            assertEquals(0, swallowed.get(), "InterruptedExceptions the application saw");
            assertFalse(interruptLeft.get(), "the interrupt that carried the kill is cleared");
            p.stillWorks(hub);
        }
    }

    @ParameterizedTest(name = "Timeout while parked in {0}")
    @MethodSource("parkPoints")
    void timeoutIsRaisedThereAsItselfAndThePrimitiveStillWorks(ParkPoints.Case c) throws Exception {
        try (ParkPoints.Point p = c.make().apply(hub)) {
            Greenlet<String> g = hub.spawn(() -> {
                Timeout t = Timeout.start(Duration.ofMillis(20));
                try {
                    p.block();
                    return "returned";
                } catch (Timeout e) {
                    if (e != t) {
                        return "another Timeout: " + e;
                    }
                    return Thread.currentThread().isInterrupted() ? "interrupt left set" : "timeout";
                } catch (InterruptedException e) {
                    return "InterruptedException";
                } finally {
                    t.close();
                }
            });
            assertEquals("timeout", g.get(Duration.ofSeconds(30)), c.toString());
            p.stillWorks(hub);
        }
    }

    @ParameterizedTest(name = "kill that arrived while running, then {0}")
    @MethodSource("parkPoints")
    void killThatArrivedWhileRunningIsRaisedOnEnteringTheWait(ParkPoints.Case c) throws Exception {
        try (ParkPoints.Point p = c.make().apply(hub)) {
            AtomicBoolean go = new AtomicBoolean();
            AtomicBoolean running = new AtomicBoolean();
            AtomicInteger swallowed = new AtomicInteger();
            Greenlet<Void> g = hub.spawn(() -> {
                running.set(true);
                while (!go.get()) {
                    Thread.onSpinWait(); // holds the hub: the kill comes from this test's thread meanwhile
                }
                return blockSwallowingInterrupts(p, swallowed);
            });
            try {
                while (!running.get()) {
                    Thread.sleep(1); // blocking lets the hub start the greenlet this thread spawned
                }
                g.kill(new GreenletExit(), false, null); // the greenlet runs: delivered as an interrupt
            } finally {
                go.set(true);
            }
            g.join(Duration.ofSeconds(30));
            assertTrue(((Object) g.value()) instanceof GreenletExit, c + ": " + g.exception());
            assertEquals(0, swallowed.get(), "InterruptedExceptions the application saw");
            p.stillWorks(hub);
        }
    }

    @ParameterizedTest(name = "a platform thread interrupted in {0} keeps the JDK's behaviour")
    @MethodSource("interruptibleParkPoints")
    void onAPlatformThreadAnInterruptStaysAnInterruptedException(ParkPoints.Case c) throws Exception {
        try (ParkPoints.Point p = c.make().apply(hub)) {
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            Thread t = Thread.ofPlatform().name("park-points-platform").start(() -> {
                try {
                    p.block();
                    outcome.set(new AssertionError("the wait returned"));
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
            t.interrupt();
            t.join();
            assertTrue(outcome.get() instanceof InterruptedException, c + ": " + outcome.get());
            p.stillWorks(hub);
        }
    }

    @ParameterizedTest(name = "a platform thread interrupted in {0} waits on, as the JDK's uninterruptible wait")
    @MethodSource("uninterruptibleParkPoints")
    void onAPlatformThreadAnUninterruptibleWaitRecordsTheInterruptAndWaitsOn(ParkPoints.Case c) throws Exception {
        try (ParkPoints.Point p = c.make().apply(hub)) {
            AtomicReference<Object> outcome = new AtomicReference<>();
            Thread t = Thread.ofPlatform().name("park-points-platform").start(() -> {
                try {
                    p.block();
                    outcome.set(Thread.currentThread().isInterrupted() ? "returned, interrupted" : "returned");
                } catch (Throwable e) {
                    outcome.set(e);
                }
            });
            while (!parked(t)) {
                Thread.sleep(1);
            }
            t.interrupt();
            awaitInterruptTakenAndParkedAgain(t);
            assertNull(outcome.get(), "the wait ended on the interrupt");
            ((ParkPoints.Releasable) p).release();
            t.join();
            assertEquals("returned, interrupted", outcome.get(), c.toString());
        }
    }

    @ParameterizedTest(name = "an application interrupt of a greenlet in {0} keeps the JDK's behaviour")
    @MethodSource("uninterruptibleParkPoints")
    void onAGreenletAnApplicationInterruptOfAnUninterruptibleWaitIsRecordedAndTheWaitGoesOn(ParkPoints.Case c)
            throws Exception {
        try (ParkPoints.Point p = c.make().apply(hub)) {
            Greenlet<String> g = hub.spawn(() -> {
                p.block();
                return Thread.currentThread().isInterrupted() ? "returned, interrupted" : "returned";
            });
            awaitParked(g);
            g.getThread().interrupt(); // not a kill: nothing is pending in the greenlet's strand
            awaitInterruptTakenAndParkedAgain(g.getThread());
            assertFalse(g.isDead(), "the wait ended on the interrupt: " + g.exception());
            ((ParkPoints.Releasable) p).release();
            assertEquals("returned, interrupted", g.get(Duration.ofSeconds(10)), c.toString());
        }
    }

    /**
     * The case of issue #11: a greenlet killed while it waits in a contended {@code lock()} never enters its critical
     * section, leaves no waiter node behind, and the next greenlet in the queue gets the lock.
     */
    @Test
    void aGreenletKilledInAContendedLockNeverEntersItsCriticalSectionAndTheNextWaiterGetsTheLock()
            throws Exception {
        ReentrantLock lock = new ReentrantLock(true);
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger entered = new AtomicInteger();
        Greenlet<Void> holder = hub.spawn(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } finally {
                lock.unlock();
            }
            return null;
        });
        held.await();
        Greenlet<Void> killed = hub.spawn(() -> {
            lock.lock();
            try {
                entered.incrementAndGet();
            } finally {
                lock.unlock();
            }
            return null;
        });
        awaitParked(killed);
        Greenlet<Boolean> third = hub.spawn(() -> {
            lock.lock();
            try {
                return lock.isHeldByCurrentThread();
            } finally {
                lock.unlock();
            }
        });
        awaitParked(third);
        assertEquals(2, lock.getQueueLength());
        killed.kill(new GreenletExit(), true, Duration.ofSeconds(10)); // waits until it is dead
        assertTrue(((Object) killed.value()) instanceof GreenletExit, "outcome: " + killed.exception());
        assertEquals(1, lock.getQueueLength(), "the killed greenlet's node is cancelled and unlinked");
        assertTrue(lock.isLocked(), "the holder still holds the lock");
        release.countDown();
        holder.get(Duration.ofSeconds(10));
        assertTrue(third.get(Duration.ofSeconds(10)), "the next waiter got the lock");
        assertEquals(0, entered.get(), "the killed greenlet entered its critical section");
        assertFalse(lock.isLocked());
        assertFalse(lock.hasQueuedThreads(), "a waiter node was left behind");
    }

    @Test
    void timeoutAroundAContendedLockFiresAndTheLockIsNotAcquired() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        lock.lock(); // held by the test thread: never released while the greenlet waits
        try {
            Greenlet<String> g = hub.spawn(() -> {
                Timeout t = Timeout.start(Duration.ofMillis(30));
                try {
                    lock.lock();
                    lock.unlock();
                    return "locked";
                } catch (Timeout e) {
                    return e == t && !lock.isHeldByCurrentThread() ? "timeout" : "another Timeout, or locked: " + e;
                } finally {
                    t.close();
                }
            });
            assertEquals("timeout", g.get(Duration.ofSeconds(10)));
            assertFalse(lock.hasQueuedThreads());
            assertEquals(1, lock.getHoldCount());
        } finally {
            lock.unlock();
        }
        assertFalse(lock.isLocked());
    }

    /**
     * An uninterruptible wait inside the JDK's own code (here the internal lock of {@code ArrayBlockingQueue.offer},
     * held by a platform thread in {@code drainTo}) is not made a kill point: its callers do not expect an exception
     * there. The kill waits for that call to finish and is raised at the greenlet's next kill point.
     */
    @Test
    void aKillInAnUninterruptibleWaitOfTheJdksOwnCodeIsRaisedAtTheNextKillPoint() throws Exception {
        ArrayBlockingQueue<String> q = new ArrayBlockingQueue<>(4);
        q.add("a");
        CountDownLatch draining = new CountDownLatch(1);
        CountDownLatch finishDrain = new CountDownLatch(1);
        java.util.List<String> drained = new java.util.ArrayList<>() {
            @Override
            public boolean add(String s) {
                draining.countDown();
                try {
                    finishDrain.await(); // q's lock is held meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.add(s);
            }
        };
        Thread drainer = Thread.ofPlatform().name("park-points-drainer").start(() -> q.drainTo(drained));
        try {
            draining.await();
            AtomicBoolean offered = new AtomicBoolean();
            Greenlet<Void> g = hub.spawn(() -> {
                offered.set(q.offer("b")); // waits for q's lock in ArrayBlockingQueue.offer
                Thread.sleep(60_000);
                return null;
            });
            awaitParked(g);
            g.kill(new GreenletExit(), false, null);
            awaitInterruptTakenAndParkedAgain(g.getThread());
            assertFalse(g.isDead(), "the kill ended the JDK's internal lock wait: " + g.exception());
            finishDrain.countDown();
            g.join(Duration.ofSeconds(10));
            assertTrue(((Object) g.value()) instanceof GreenletExit, String.valueOf(g.exception()));
            assertTrue(offered.get(), "offer finished");
            drainer.join();
            assertEquals(java.util.List.of("a"), drained);
            assertEquals("b", q.poll());
            assertTrue(q.isEmpty());
        } finally {
            finishDrain.countDown();
            drainer.join();
        }
    }

    @Test
    void killEndsAQueueTakeLoopThatSwallowsInterruptsAndTheQueueStillWorks() throws Exception {
        LinkedBlockingQueue<String> q = new LinkedBlockingQueue<>();
        AtomicInteger swallowed = new AtomicInteger();
        Greenlet<Void> consumer = hub.spawn(() -> {
            while (true) {
                try {
                    q.take();
                } catch (InterruptedException e) {
                    swallowed.incrementAndGet();
                }
            }
        });
        awaitParked(consumer);
        consumer.kill();
        assertTrue(((Object) consumer.value()) instanceof GreenletExit, String.valueOf(consumer.exception()));
        assertEquals(0, swallowed.get());
        assertEquals("x", hub.spawn(() -> {
            q.put("x");
            return q.take();
        }).get());
    }

    @Test
    void killEndsASleepThatSwallowsInterrupts() throws Exception {
        Greenlet<String> g = hub.spawn(() -> {
            try {
                Thread.sleep(60_000);
                return "slept";
            } catch (InterruptedException e) {
                return "swallowed";
            }
        });
        awaitParked(g);
        g.kill();
        Object outcome = g.value();
        assertTrue(outcome instanceof GreenletExit, "outcome: " + outcome + " / " + g.exception());
    }

    @Test
    void timeoutInLockInterruptiblyLeavesTheLockUsable() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Greenlet<Void> holder = hub.spawn(() -> {
            lock.lock();
            try {
                held.countDown();
                release.await();
            } finally {
                lock.unlock();
            }
            return null;
        });
        held.await();
        Greenlet<String> waiter = hub.spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(30))) {
                lock.lockInterruptibly();
                lock.unlock();
                return "locked";
            } catch (Timeout e) {
                return "timeout";
            } catch (InterruptedException e) {
                return "interrupted";
            }
        });
        assertEquals("timeout", waiter.get());
        assertFalse(lock.hasQueuedThreads(), "the timed-out waiter left its node in the lock's queue");
        release.countDown();
        holder.get();
        assertEquals("locked", hub.spawn(() -> {
            lock.lockInterruptibly();
            lock.unlock();
            return "locked";
        }).get(Duration.ofSeconds(10)));
        assertFalse(lock.isLocked());
    }

    @Test
    void killInConditionAwaitReleasesTheLockAndTheConditionStillWorks() throws Exception {
        ReentrantLock lock = new ReentrantLock();
        Condition cond = lock.newCondition();
        Greenlet<String> waiter = hub.spawn(() -> {
            lock.lock();
            try {
                while (true) {
                    try {
                        cond.await();
                    } catch (InterruptedException e) {
                        // swallowed
                    }
                }
            } finally {
                lock.unlock();
            }
        });
        awaitParked(waiter);
        waiter.kill(new IllegalStateException("killed"), true, Duration.ofSeconds(10));
        assertEquals("killed", waiter.exception().getMessage());
        assertFalse(lock.isLocked());
        Greenlet<Boolean> second = hub.spawn(() -> {
            lock.lock();
            try {
                return cond.await(10, TimeUnit.SECONDS);
            } finally {
                lock.unlock();
            }
        });
        awaitParked(second);
        hub.spawn(() -> {
            lock.lock();
            try {
                cond.signal();
            } finally {
                lock.unlock();
            }
            return null;
        });
        assertTrue(second.get(Duration.ofSeconds(10)));
    }
}
