package dev.gevent4j.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.WaitIterator;
import dev.gevent4j.juc.Blocked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.wait / gevent.iwait over greenlets, Events and AsyncResults: Gevent.await and Gevent.iwait. */
@Timeout(30)
class GeventAwaitTest {

    @Test
    void iwaitYieldsReadyObjectsFirstThenInTheOrderTheyBecomeReady() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Event e = new Event();
                AsyncResult<String> r = new AsyncResult<>();
                Event last = new Event(); // the slow greenlet ends only after e is set: no race with the timers
                Greenlet<String> slow = Gevent.spawn(() -> {
                    last.await();
                    return "slow";
                });
                Event already = new Event();
                already.set();
                Gevent.spawn(() -> {
                    Gevent.sleep(5);
                    r.set("r");
                    Gevent.sleep(5);
                    e.set();
                    Gevent.sleep(5);
                    last.set();
                });
                List<Object> order = new ArrayList<>();
                try (WaitIterator<Object> it = Gevent.iwait(List.of(slow, e, r, already))) {
                    for (Object o : it) {
                        order.add(o);
                    }
                }
                assertEquals(List.of(already, r, e, slow), order);
            }).get();
        }
    }

    @Test
    void awaitWithCountStopsEarlyAndATimeoutGivesAPartialList() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Greenlet<Integer> fast = Gevent.spawn(() -> 1);
                Event never = new Event();
                AsyncResult<String> neverResult = new AsyncResult<>();
                List<Object> one = Gevent.await(List.of(never, fast, neverResult), null, 1);
                assertEquals(List.of(fast), one);
                long t0 = System.nanoTime();
                List<Object> partial = Gevent.await(List.of(never, fast, neverResult), Duration.ofMillis(20), 0);
                assertTrue(System.nanoTime() - t0 >= 20_000_000L);
                assertEquals(List.of(fast), partial);
                neverResult.set("now");
                assertEquals(List.of(fast, neverResult), Gevent.await(List.of(fast, neverResult)));
            }).get();
        }
    }

    @Test
    void aPlatformThreadWaitsForObjectsOfSeveralHubs() throws Exception {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            AsyncResult<String> r = new AsyncResult<>();
            Greenlet<String> ga = a.spawn(() -> {
                Gevent.sleep(10);
                return "a";
            });
            Greenlet<Void> gb = b.spawn(() -> {
                ga.join();
                r.set("b");
            });
            List<Object> all = Gevent.await(List.of(r, ga, gb), Duration.ofSeconds(20), 0);
            assertEquals(3, all.size());
            assertSame(ga, all.get(0));
            assertTrue(all.indexOf(r) < all.indexOf(gb), "r is set before gb ends: " + all);
        }
    }

    @Test
    void killWhileInAwaitPropagatesAndUnregisters() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Event e = new Event();
                Greenlet<List<Object>> g = Gevent.spawn(() -> Gevent.await(List.of(e)));
                Blocked.await(g);
                IllegalStateException stop = new IllegalStateException("stop");
                g.kill(stop);
                assertSame(stop, g.exception());
                e.set(); // no stale notifier fails
                assertTrue(e.isSet());
            }).get();
        }
    }

    @Test
    void badObjectsAreRejectedWithAClearMessage() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> Gevent.await(List.of("not waitable")));
                assertTrue(e.getMessage().contains("neither a Greenlet nor a Waitable"), e.getMessage());
                IllegalStateException self = assertThrows(IllegalStateException.class,
                        () -> Gevent.await(List.of(Gevent.getCurrent())));
                assertTrue(self.getMessage().contains("itself"), self.getMessage());
                assertThrows(IllegalArgumentException.class,
                        () -> Gevent.await(List.of(new Event()), Duration.ofMillis(-5), 0));
                assertFalse(Gevent.iwait(List.of()).hasNext());
            }).get();
        }
    }
}
