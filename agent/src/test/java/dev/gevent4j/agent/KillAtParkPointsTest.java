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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Under the agent (option park), kill and Timeout are raised at java.util.concurrent park points even when the
 * application swallows InterruptedException, and the lock, condition or queue stays usable.
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class KillAtParkPointsTest {
    private Hub hub;

    @BeforeEach
    void createHub() {
        hub = Hub.create();
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    private static void awaitParked(Greenlet<?> g) throws InterruptedException {
        while (g.getThread() == null || (g.getThread().getState() != Thread.State.WAITING
                && g.getThread().getState() != Thread.State.TIMED_WAITING)) {
            Thread.sleep(1);
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
