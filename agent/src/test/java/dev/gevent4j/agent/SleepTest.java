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

    // --- virtual time: Thread.sleep of a greenlet follows the hub's clock (issue 17) ---

    @Test
    void threadSleepFollowsTheVirtualClock() {
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            long wall0 = System.nanoTime();
            List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
            long start = vt.nanoTime();
            List<Greenlet<Void>> gs = new ArrayList<>();
            for (int k = 1; k <= 3; k++) {
                int every = k;
                gs.add(vt.spawn(() -> {
                    for (int i = 0; i < 4; i++) {
                        Thread.sleep(Duration.ofMinutes(10L * every)); // 10, 20 and 30 minutes, 4 times each
                        log.add("g" + every + "@" + (vt.nanoTime() - start) / 60_000_000_000L);
                    }
                    return null;
                }));
            }
            for (Greenlet<Void> g : gs) {
                g.get();
            }
            long wall = System.nanoTime() - wall0;
            long virtual = vt.nanoTime() - start;
            assertTrue(virtual >= Duration.ofMinutes(120).toNanos(), "2 h of virtual time: " + virtual);
            assertTrue(wall < Duration.ofSeconds(5).toNanos(), "in far less wall time: " + wall / 1_000_000 + " ms");
            assertEquals(List.of("g1@10", "g1@20", "g2@20", "g1@30", "g3@30", "g1@40", "g2@40", "g2@60", "g3@60",
                    "g2@80", "g3@90", "g3@120"), sortedWithinMinute(log), "each at its deadline on the virtual clock");
        }
    }

    /** Wake-ups at the same virtual minute in name order (their relative order at one deadline is the heap's). */
    private static List<String> sortedWithinMinute(List<String> log) {
        List<String> out = new ArrayList<>(log);
        out.sort(java.util.Comparator.comparingInt((String e) -> Integer.parseInt(e.substring(e.indexOf('@') + 1)))
                .thenComparing(e -> e));
        assertEquals(out.stream().map(e -> e.substring(e.indexOf('@'))).toList(),
                log.stream().map(e -> e.substring(e.indexOf('@'))).toList(), "the log is in virtual-time order");
        return out;
    }

    @Test
    void onVirtualTimeAnInterruptOrAKillStillEndsAThreadSleep() {
        try (Hub vt = Hub.builder().virtualTime(true).build()) {
            String r = vt.spawn(() -> {
                long t0 = vt.nanoTime();
                Greenlet<String> interrupted = dev.gevent4j.Gevent.spawn(() -> {
                    try {
                        Thread.sleep(Duration.ofHours(1));
                        return "slept";
                    } catch (InterruptedException e) {
                        return "InterruptedException, interrupt status " + Thread.currentThread().isInterrupted();
                    }
                });
                Greenlet<String> killed = dev.gevent4j.Gevent.spawn(() -> {
                    Thread.sleep(Duration.ofHours(1));
                    return "slept";
                });
                dev.gevent4j.Gevent.sleep(Duration.ZERO); // both are asleep now; this greenlet keeps the clock still
                interrupted.getThread().interrupt();
                killed.kill();
                assertTrue(((Object) killed.value()) instanceof GreenletExit, String.valueOf(killed.exception()));
                return interrupted.get() + " after " + (vt.nanoTime() - t0) / 1_000_000_000L + " s";
            }).get();
            assertEquals("InterruptedException, interrupt status false after 0 s", r);
        }
    }
}
