package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Hub;
import dev.gevent4j.Timeout;
import java.time.Duration;
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
 * parked, and a kill that arrived while the greenlet ran, before it entered the wait.
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class KillAtParkPointsTest extends HubPerTest {
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

    static Stream<ParkPoints.Case> parkPoints() {
        return ParkPoints.all();
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
            g.kill();
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
    @MethodSource("parkPoints")
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
