package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hub.builder().virtualTime(true), outside JUnit's extension: the runtime's own way in. */
@Timeout(60)
class VirtualTimeHubTest {
    @Test
    void aDayOfTimersRunsInOrderAtOnce() {
        List<String> log = new CopyOnWriteArrayList<>();
        long t0;
        try (Hub hub = Hub.builder().name("gevent4j-hub-virtual").virtualTime(true).build()) {
            t0 = System.nanoTime();
            assertEquals("gevent4j-hub-virtual", hub.getName());
            long v0 = hub.nanoTime();
            // Set up from a greenlet of the hub: from an outside thread, the hub cannot know that more spawns are
            // coming, and may jump the clock to the first sleeper's deadline before the second one exists.
            hub.spawn(() -> {
                Greenlet<Void> a = Gevent.spawn(() -> {
                    Gevent.sleep(Duration.ofHours(20));
                    log.add("a");
                });
                Greenlet<Void> b = Gevent.spawn(() -> {
                    Gevent.sleep(Duration.ofHours(4));
                    log.add("b");
                });
                hub.callLater(Duration.ofHours(12), () -> log.add("call"));
                a.join();
                b.join();
            }).join();
            assertTrue(hub.nanoTime() - v0 >= Duration.ofHours(20).toNanos());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "20 virtual hours took " + ms + " ms");
        }
        assertEquals(List.of("b", "call", "a"), log);
    }

    @Test
    void aRealTimeHubKeepsNanoTime() {
        try (Hub hub = Hub.create()) {
            assertFalse(hub.isVirtualTime());
            long before = System.nanoTime();
            long h = hub.nanoTime();
            assertTrue(h - before >= 0 && System.nanoTime() - h >= 0);
        }
    }
}
