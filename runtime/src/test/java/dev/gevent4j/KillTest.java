package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent's kill semantics, at gevent4j's own blocking points and inside java.util.concurrent waits. */
@Timeout(30)
class KillTest {

    /** Waits (yielding) until {@code g} is parked, i.e. blocked somewhere. */
    static void awaitBlocked(Greenlet<?> g) {
        while (g.getThread() == null || !isWaiting(g.getThread().getState())) {
            Gevent.sleep(0);
            Thread.onSpinWait();
        }
    }

    private static boolean isWaiting(Thread.State s) {
        return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING || s == Thread.State.BLOCKED;
    }

    @Test
    void killingANeverStartedGreenletMeansItNeverRunsButLinksFire() throws Exception {
        try (Hub hub = Hub.create()) {
            AtomicBoolean ran = new AtomicBoolean();
            CountDownLatch linked = new CountDownLatch(1);
            Greenlet<Object> g = new Greenlet<>(hub, () -> {
                ran.set(true);
                return null;
            });
            g.link(x -> linked.countDown());
            g.kill();
            assertTrue(g.isDead());
            assertTrue(g.isSuccessful());
            assertInstanceOf(GreenletExit.class, g.value());
            g.start(); // no effect
            assertTrue(linked.await(10, TimeUnit.SECONDS));
            hub.spawn(() -> { }).join(); // let the hub run everything runnable
            assertFalse(ran.get());
        }
    }

    @Test
    void killingAStartedButNotYetRunGreenletMeansItNeverRuns() {
        try (Hub hub = Hub.create()) {
            boolean ran = hub.spawn(() -> {
                AtomicBoolean r = new AtomicBoolean();
                Greenlet<Void> g = Gevent.spawn(() -> r.set(true));
                g.kill();
                assertTrue(g.isSuccessful());
                return r.get();
            }).get();
            assertFalse(ran);
        }
    }

    @Test
    void killingAFinishedGreenletDoesNothing() {
        try (Hub hub = Hub.create()) {
            Greenlet<Integer> g = hub.spawn(() -> 1);
            assertEquals(1, g.get());
            g.kill(new IllegalStateException("late"));
            assertEquals(1, g.get());
            assertTrue(g.isSuccessful());
        }
    }

    @Test
    void killWhileSleepingJoiningGettingOrSwitching() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Greenlet<Object> sleeper = Gevent.spawn(() -> {
                    Gevent.sleep(60_000);
                    return "woke";
                });
                Greenlet<Object> joiner = Gevent.spawn(() -> {
                    sleeper.join();
                    return "joined";
                });
                Greenlet<Object> getter = Gevent.spawn(() -> sleeper.get());
                Greenlet<Object> switcher = Gevent.spawn(() -> Gevent.getCurrent().getParent().switchTo("x"));
                for (Greenlet<Object> g : List.of(joiner, getter, switcher)) {
                    awaitBlocked(g);
                    g.kill();
                    assertTrue(g.isDead(), g + " dead after kill(block)");
                    assertInstanceOf(GreenletExit.class, g.value(), g.toString());
                }
                IllegalStateException custom = new IllegalStateException("custom");
                awaitBlocked(sleeper);
                sleeper.kill(custom, Duration.ofSeconds(5));
                assertSame(custom, sleeper.exception());
                return null;
            }).get();
        }
    }

    @Test
    void killWithoutBlockReturnsAtOnceAndTheExceptionArrivesLater() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Greenlet<Object> g = Gevent.spawn(() -> {
                    Gevent.sleep(60_000);
                    return null;
                });
                awaitBlocked(g);
                g.killNowait(new GreenletExit());
                assertFalse(g.isDead()); // the hub has not run it yet
                g.join();
                assertTrue(g.isSuccessful());
                return null;
            }).get();
        }
    }

    @Test
    void killFromAPlatformThreadAndFromAnotherHub() {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            Greenlet<Object> onA = a.spawn(() -> {
                Gevent.sleep(60_000);
                return null;
            });
            Greenlet<Object> onA2 = a.spawn(() -> {
                Gevent.sleep(60_000);
                return null;
            });
            onA.kill(); // from the test's platform thread
            assertTrue(onA.isSuccessful());
            b.spawn(() -> onA2.kill()).get(); // from a greenlet of another hub
            assertTrue(onA2.isDead());
        }
    }

    @Test
    void killInsideCountDownLatchAwaitLeavesTheLatchUsable() {
        try (Hub hub = Hub.create()) {
            CountDownLatch latch = new CountDownLatch(1);
            hub.spawn(() -> {
                Greenlet<Object> waiter = Gevent.spawn(() -> {
                    latch.await();
                    return "released";
                });
                awaitBlocked(waiter);
                waiter.kill();
                assertTrue(waiter.isSuccessful());
                assertInstanceOf(GreenletExit.class, waiter.value(),
                        "the kill, not the InterruptedException, is the outcome");
                Greenlet<Object> second = Gevent.spawn(() -> {
                    latch.await();
                    return "released";
                });
                Gevent.sleep(0);
                latch.countDown();
                assertEquals("released", second.get());
                return null;
            }).get();
        }
    }

    @Test
    void killInsideReentrantLockWaitLeavesTheLockUsable() {
        try (Hub hub = Hub.create()) {
            ReentrantLock lock = new ReentrantLock();
            hub.spawn(() -> {
                Greenlet<Object> holder = Gevent.spawn(() -> {
                    lock.lock();
                    try {
                        Gevent.sleep(50);
                    } finally {
                        lock.unlock();
                    }
                    return "held";
                });
                Gevent.sleep(0);
                assertTrue(lock.isLocked());
                Greenlet<Object> waiter = Gevent.spawn(() -> {
                    lock.lockInterruptibly();
                    try {
                        return "got it";
                    } finally {
                        lock.unlock();
                    }
                });
                awaitBlocked(waiter);
                waiter.kill();
                assertInstanceOf(GreenletExit.class, waiter.value());
                assertEquals("held", holder.get());
                assertFalse(lock.isLocked());
                assertEquals(0, lock.getQueueLength());
                Greenlet<Object> next = Gevent.spawn(() -> {
                    lock.lock();
                    try {
                        return "next";
                    } finally {
                        lock.unlock();
                    }
                });
                assertEquals("next", next.get());
                return null;
            }).get();
        }
    }

    @Test
    void killInsideBlockingQueueTakeLosesNoElement() {
        try (Hub hub = Hub.create()) {
            BlockingQueue<String> q = new ArrayBlockingQueue<>(4);
            hub.spawn(() -> {
                Greenlet<Object> taker = Gevent.spawn(() -> q.take());
                awaitBlocked(taker);
                taker.kill();
                assertInstanceOf(GreenletExit.class, taker.value());
                q.put("x");
                Greenlet<Object> taker2 = Gevent.spawn(() -> q.take());
                assertEquals("x", taker2.get());
                assertTrue(q.isEmpty());
                return null;
            }).get();
        }
    }

    @Test
    void killInsideObjectWaitReleasesTheMonitor() {
        try (Hub hub = Hub.create()) {
            Object monitor = new Object();
            hub.spawn(() -> {
                Greenlet<Object> waiter = Gevent.spawn(() -> {
                    synchronized (monitor) {
                        monitor.wait();
                    }
                    return "notified";
                });
                awaitBlocked(waiter);
                waiter.kill();
                assertInstanceOf(GreenletExit.class, waiter.value());
                Greenlet<Object> other = Gevent.spawn(() -> {
                    synchronized (monitor) {
                        return "monitor free";
                    }
                });
                assertEquals("monitor free", other.get());
                return null;
            }).get();
        }
    }

    @Test
    void aGreenletKillingItselfRaisesAtOnce() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> g = hub.spawn(() -> {
                Gevent.getCurrent().killNowait(new GreenletExit("self"));
                return "unreachable";
            });
            g.join();
            assertInstanceOf(GreenletExit.class, g.value());
        }
    }

    @Test
    void killAllKillsEveryGreenlet() {
        try (Hub hub = Hub.create()) {
            List<Greenlet<Object>> gs = List.of(
                    hub.spawn(() -> { Gevent.sleep(60_000); return null; }),
                    hub.spawn(() -> { Gevent.sleep(60_000); return null; }),
                    hub.spawn(() -> { Gevent.sleep(60_000); return null; }));
            Gevent.killAll(gs);
            for (Greenlet<Object> g : gs) {
                assertTrue(g.isDead());
                assertInstanceOf(GreenletExit.class, g.value());
            }
        }
    }

    @Test
    void greenletExitIsNotSwallowedByCatchException() {
        try (Hub hub = Hub.create()) {
            AtomicBoolean swallowed = new AtomicBoolean();
            Greenlet<Object> g = hub.spawn(() -> {
                try {
                    Gevent.sleep(60_000);
                } catch (Exception e) {
                    swallowed.set(true);
                }
                return "after";
            });
            hub.spawn(() -> {
                awaitBlocked(g);
                g.kill();
            }).get();
            assertFalse(swallowed.get());
            assertInstanceOf(GreenletExit.class, g.value());
            assertThrows(GreenletExit.class, () -> {
                throw (GreenletExit) g.value();
            });
        }
    }
}
