package dev.gevent4j.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.juc.Blocked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.lock.Semaphore and BoundedSemaphore. */
@Timeout(30)
@SuppressWarnings("try") // try-with-resources holds a lock whose variable the body does not use
class SemaphoreTest {

    @Test
    void blockedAcquirersGetPermitsInTheOrderTheyStartedWaitingAndNewcomersDoNotBarge() {
        try (Hub hub = Hub.create()) {
            List<Integer> order = hub.spawn(() -> {
                Semaphore sem = new Semaphore(1);
                sem.acquire();
                List<Integer> log = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    gs.add(Gevent.spawn(() -> {
                        try (var held = sem.acquire()) {
                            log.add(n);
                            Gevent.sleep(0);
                        }
                    }));
                }
                Gevent.sleep(0);
                assertEquals(4, sem.queueLength());
                sem.release(); // handed to waiter 0, not to the counter
                assertFalse(sem.tryAcquire(), "a newcomer took a permit handed to a waiter");
                assertEquals(0, sem.availablePermits());
                Gevent.joinAll(gs);
                assertEquals(1, sem.availablePermits());
                return log;
            }).get();
            assertEquals(List.of(0, 1, 2, 3), order);
        }
    }

    @Test
    void acquireWithATimeoutReturnsFalseAndTryAcquireNeverWaits() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Semaphore sem = new Semaphore(0);
                assertTrue(sem.isLocked());
                assertFalse(sem.tryAcquire());
                assertFalse(sem.acquire(Duration.ZERO));
                long t0 = System.nanoTime();
                assertFalse(sem.acquire(Duration.ofMillis(20)));
                assertTrue(System.nanoTime() - t0 >= 20_000_000L);
                assertEquals(0, sem.queueLength(), "a timed-out waiter stayed queued");
                sem.release();
                sem.release(); // a plain Semaphore may grow past its start
                assertEquals(2, sem.availablePermits());
                assertTrue(sem.acquire(Duration.ofMillis(20)));
                assertTrue(sem.tryAcquire());
            }).get();
        }
    }

    @Test
    void killWhileWaitingTakesNoPermit() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Semaphore sem = new Semaphore(0);
                Greenlet<Semaphore> victim = Gevent.spawn(() -> sem.acquire());
                Greenlet<Boolean> next = Gevent.spawn(() -> sem.acquire(Duration.ofSeconds(10)));
                Gevent.sleep(0);
                IllegalStateException stop = new IllegalStateException("stop");
                victim.kill(stop);
                assertSame(stop, victim.exception());
                assertEquals(1, sem.queueLength());
                sem.release();
                assertTrue(next.get());
                assertEquals(0, sem.availablePermits());
            }).get();
        }
    }

    @Test
    void aTimeoutWhileWaitingPropagates() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Semaphore sem = new Semaphore(0);
                try (dev.gevent4j.Timeout t = dev.gevent4j.Timeout.start(Duration.ofMillis(10))) {
                    assertSame(t, assertThrows(dev.gevent4j.Timeout.class, sem::acquire));
                }
                assertEquals(0, sem.queueLength());
            }).get();
        }
    }

    @Test
    void boundedSemaphoreRefusesToBeReleasedPastItsBound() {
        BoundedSemaphore sem = new BoundedSemaphore(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
        assertTrue(e.getMessage().contains("released too many times"), e.getMessage());
        try (BoundedSemaphore held = sem.acquire()) {
            assertEquals(1, held.availablePermits());
        }
        assertEquals(2, sem.availablePermits());
        assertThrows(IllegalStateException.class, sem::release);
        IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        assertTrue(neg.getMessage().contains(">= 0"), neg.getMessage());
        assertThrows(IllegalArgumentException.class, () -> sem.acquire(Duration.ofSeconds(-1)));
    }

    @Test
    void platformThreadsAndOtherHubsReleaseToWaitingGreenlets() throws Exception {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            Semaphore sem = new Semaphore(0);
            Greenlet<Semaphore> w1 = a.spawn(() -> sem.acquire());
            Blocked.await(w1);
            Thread t = Thread.ofPlatform().start(sem::release);
            w1.get();
            t.join();
            Greenlet<Semaphore> w2 = a.spawn(() -> sem.acquire());
            Blocked.await(w2);
            b.spawn(sem::release).get();
            w2.get();
            // a platform thread waiting, released by a greenlet
            b.spawn(sem::release);
            sem.acquire();
            assertEquals(0, sem.availablePermits());
        }
    }

    @Test
    void awaitAvailableWaitsForAFreePermitWithoutTakingIt() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Semaphore sem = new Semaphore(0);
                assertEquals(0, sem.awaitAvailable(Duration.ofMillis(5)));
                Greenlet<Integer> w = Gevent.spawn(() -> sem.awaitAvailable(null));
                Gevent.sleep(0);
                sem.release();
                assertEquals(1, w.get());
                assertEquals(1, sem.availablePermits());
            }).get();
        }
    }
}
