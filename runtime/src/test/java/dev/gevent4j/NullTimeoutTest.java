package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.event.AsyncResult;
import dev.gevent4j.event.Event;
import dev.gevent4j.io.Subprocess;
import dev.gevent4j.io.ThreadResult;
import dev.gevent4j.lock.Semaphore;
import dev.gevent4j.queue.Queue;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One rule for timeouts (docs/primitives.md): {@code null} means no limit wherever gevent accepts
 * {@code timeout=None}, and a negative timeout is an IllegalArgumentException, for every waiting method alike.
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(60)
class NullTimeoutTest {

    @Test
    void nullTimeoutWaitsWithoutLimit() throws Exception {
        try (Hub hub = Hub.create()) {
            Event go = new Event();
            Greenlet<String> g = hub.spawn(() -> {
                go.await();
                return "done";
            });
            AsyncResult<String> r = new AsyncResult<>();
            ThreadResult<String> t = hub.threadPool().submit(() -> {
                go.await();
                return "pooled";
            });
            hub.callLater(Duration.ofMillis(20), () -> {
                go.set();
                r.set("set");
            });
            assertEquals("done", g.get(null));
            assertTrue(g.join(null));
            assertEquals("set", r.get(null));
            assertEquals("pooled", t.get(null));
            assertTrue(go.await(null));
            assertEquals(2, Gevent.joinAll(List.of(g, hub.spawn(() -> 1)), null).size());
            Semaphore s = new Semaphore(1);
            assertTrue(s.acquire(null));
            Queue<String> q = new Queue<>();
            q.put("x", null);
            assertEquals("x", q.get(null));
            try (Subprocess p = Subprocess.start(List.of("true"))) {
                assertEquals(0, p.waitFor(null));
            }
        }
    }

    @Test
    void negativeTimeoutIsRefusedEverywhere() throws Exception {
        Duration neg = Duration.ofMillis(-1);
        try (Hub hub = Hub.create()) {
            Greenlet<Integer> g = hub.spawn(() -> 1);
            assertThrows(IllegalArgumentException.class, () -> g.get(neg));
            assertThrows(IllegalArgumentException.class, () -> g.join(neg));
            assertThrows(IllegalArgumentException.class, () -> new AsyncResult<String>().get(neg));
            assertThrows(IllegalArgumentException.class, () -> hub.threadPool().submit(() -> 1).get(neg));
            assertThrows(IllegalArgumentException.class, () -> new Event().await(neg));
            assertThrows(IllegalArgumentException.class, () -> new Semaphore(1).acquire(neg));
            try (Subprocess p = Subprocess.start(List.of("true"))) {
                assertThrows(IllegalArgumentException.class, () -> p.waitFor(neg));
                p.waitFor(null);
            }
            assertEquals(1, g.get());
        }
    }

    @Test
    void requiredDurationsRefuseNull() {
        try (Hub hub = Hub.create()) {
            assertThrows(IllegalArgumentException.class, () -> Gevent.sleep(null));
            assertThrows(IllegalArgumentException.class, () -> hub.callLater(null, () -> { }));
            assertThrows(IllegalArgumentException.class, () -> new Greenlet<>(() -> 1).startLater(null));
        }
    }
}
