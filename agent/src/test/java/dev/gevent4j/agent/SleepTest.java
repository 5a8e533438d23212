package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Hub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Under the agent, greenlets' timed parks run on their hub's timers, never on the JDK's unparker threads. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SleepTest extends dev.gevent4j.testing.HubPerTest {
    static boolean jdkTimerThreadExists() {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("VirtualThread-unparker"));
    }

    @Test
    void manyGreenletsSleepConcurrentlyOnHubTimers() {
        List<Greenlet<Long>> gs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            gs.add(hub.spawn(() -> {
                long t0 = System.nanoTime();
                Thread.sleep(100);
                return System.nanoTime() - t0;
            }));
        }
        for (Greenlet<Long> g : gs) {
            assertTrue(g.get() >= 100_000_000L, "slept " + g.get() + " ns");
        }
        assertFalse(jdkTimerThreadExists(), "a VirtualThread-unparker thread was started");
    }

    @Test
    void timedJucWaitsTimeOutOnHubTimers() {
        long ms = 30;
        Greenlet<String> g = hub.spawn(() -> {
            StringBuilder sb = new StringBuilder();
            long t0 = System.nanoTime();
            LockSupport.parkNanos(ms * 1_000_000);
            // parkNanos may return early (spurious); the others must not
            t0 = System.nanoTime();
            assertNull(new ArrayBlockingQueue<String>(1).poll(ms, TimeUnit.MILLISECONDS));
            sb.append(System.nanoTime() - t0 >= ms * 1_000_000 ? "queue " : "queue-early ");
            t0 = System.nanoTime();
            assertFalse(new CountDownLatch(1).await(ms, TimeUnit.MILLISECONDS));
            sb.append(System.nanoTime() - t0 >= ms * 1_000_000 ? "latch " : "latch-early ");
            ReentrantLock lock = new ReentrantLock();
            var cond = lock.newCondition();
            lock.lock();
            try {
                t0 = System.nanoTime();
                assertFalse(cond.await(ms, TimeUnit.MILLISECONDS));
                sb.append(System.nanoTime() - t0 >= ms * 1_000_000 ? "condition " : "condition-early ");
            } finally {
                lock.unlock();
            }
            Object mon = new Object();
            synchronized (mon) {
                t0 = System.nanoTime();
                mon.wait(ms);
                sb.append(System.nanoTime() - t0 >= ms * 1_000_000 ? "wait" : "wait-early");
            }
            return sb.toString();
        });
        assertEquals("queue latch condition wait", g.get());
        assertFalse(jdkTimerThreadExists(), "a VirtualThread-unparker thread was started");
    }

    @Test
    void anEarlyUnparkEndsALongTimedPark() {
        Greenlet<Boolean> sleeper = hub.spawn(() -> {
            long t0 = System.nanoTime();
            LockSupport.parkNanos(60_000_000_000L);
            return System.nanoTime() - t0 < 30_000_000_000L;
        });
        hub.spawn(() -> {
            while (sleeper.getThread() == null || sleeper.getThread().getState() != Thread.State.TIMED_WAITING) {
                Thread.sleep(1);
            }
            LockSupport.unpark(sleeper.getThread());
            return null;
        });
        assertTrue(sleeper.get(Duration.ofSeconds(20)));
    }

    @Test
    void killEndsASleepingGreenlet() {
        CountDownLatch asleep = new CountDownLatch(1);
        Greenlet<Void> g = hub.spawn(() -> {
            asleep.countDown();
            Thread.sleep(60_000);
            return null;
        });
        assertTrue(g.join(Duration.ofMillis(0)) == false);
        try {
            asleep.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        g.kill();
        assertTrue(g.isDead());
        assertTrue(((Object) g.value()) instanceof GreenletExit, String.valueOf(g.exception()));
    }
}
