package dev.gevent4j.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.lock.RLock. */
@Timeout(30)
@SuppressWarnings("try") // try-with-resources holds a lock whose variable the body does not use
class RLockTest {

    @Test
    void theOwnerReentersAndOthersWaitUntilEveryHoldIsReleased() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                RLock lock = new RLock();
                List<String> out = new ArrayList<>();
                try (var outer = lock.acquire()) {
                    Greenlet<Void> other = Gevent.spawn(() -> {
                        try (var held = lock.acquire()) {
                            out.add("other");
                        }
                    });
                    try (var inner = lock.acquire()) {
                        assertEquals(2, lock.getHoldCount());
                        Gevent.sleep(0);
                        out.add("inner");
                    }
                    Gevent.sleep(0);
                    out.add("outer");
                    assertTrue(lock.isHeldByCurrentThread());
                    assertFalse(other.isDead());
                }
                assertFalse(lock.isHeldByCurrentThread());
                Gevent.sleep(0);
                Gevent.sleep(0);
                out.add("end");
                return out;
            }).get();
            assertEquals(List.of("inner", "outer", "other", "end"), log);
        }
    }

    @Test
    void waitersGetTheLockInTheOrderTheyStartedWaiting() {
        try (Hub hub = Hub.create()) {
            List<Integer> order = hub.spawn(() -> {
                RLock lock = new RLock();
                lock.acquire();
                List<Integer> out = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    gs.add(Gevent.spawn(() -> {
                        try (var held = lock.acquire()) {
                            out.add(n);
                        }
                    }));
                }
                Gevent.sleep(0);
                lock.release();
                Gevent.joinAll(gs);
                return out;
            }).get();
            assertEquals(List.of(0, 1, 2), order);
        }
    }

    @Test
    void releasingALockTheCallerDoesNotHoldIsAnError() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                RLock lock = new RLock();
                IllegalStateException e = assertThrows(IllegalStateException.class, lock::release);
                assertTrue(e.getMessage().contains("does not hold"), e.getMessage());
                lock.acquire();
                Greenlet<Void> stranger = Gevent.spawn(lock::release);
                assertThrows(IllegalStateException.class, stranger::get);
                assertTrue(lock.isLocked());
                assertFalse(Gevent.spawn(() -> lock.acquire(Duration.ofMillis(5))).get());
                assertFalse(Gevent.spawn(lock::tryAcquire).get());
                lock.release();
                assertFalse(lock.isLocked());
            }).get();
        }
    }
}
