package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bad input gets a clear exception, and the hub keeps running. */
@Timeout(30)
class BadInputTest {

    private static void assertMessage(Throwable t, String... parts) {
        for (String p : parts) {
            assertTrue(t.getMessage().contains(p), "message '" + t.getMessage() + "' lacks '" + p + "'");
        }
    }

    @Test
    void negativeAndNullDurations() {
        try (Hub hub = Hub.create()) {
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Gevent.sleep(-1)), "-1", ">= 0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Gevent.sleep(Duration.ofMillis(-5))),
                    "PT-0.005S", ">= 0");
            assertMessage(assertThrows(IllegalArgumentException.class, () -> Gevent.sleep(null)), "null");
            assertThrows(IllegalArgumentException.class, () -> dev.gevent4j.Timeout.start(Duration.ofSeconds(-1)));
            assertThrows(IllegalArgumentException.class, () -> hub.callLater(Duration.ofMillis(-1), () -> { }));
            Greenlet<Integer> g = hub.spawn(() -> 1);
            assertThrows(IllegalArgumentException.class, () -> g.join(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> g.startLater(Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class,
                    () -> Gevent.joinAll(List.of(g), Duration.ofMillis(-1)));
            assertEquals(1, g.get());
        }
    }

    @Test
    void switchingToADeadGreenlet() {
        try (Hub hub = Hub.create()) {
            Greenlet<Integer> g = hub.spawn(() -> 1);
            g.join();
            assertMessage(assertThrows(IllegalStateException.class, () -> g.switchTo("x")), "dead");
        }
    }

    @Test
    void joiningYourself() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> g = hub.spawn(() -> {
                Gevent.getCurrent().join();
                return null;
            });
            assertMessage(assertThrows(IllegalStateException.class, g::get), "cannot join itself");
            Greenlet<Object> g2 = hub.spawn(() -> Gevent.joinAll(List.of(Gevent.getCurrent())));
            assertMessage(assertThrows(IllegalStateException.class, g2::get), "cannot join itself");
            assertEquals(2, hub.spawn(() -> 2).get());
        }
    }

    @Test
    void spawningOnAClosedHub() {
        Hub hub = Hub.create();
        hub.close();
        assertMessage(assertThrows(IllegalStateException.class, () -> hub.spawn(() -> 1)), "closed");
    }

    @Test
    void nullArguments() {
        assertThrows(NullPointerException.class, () -> Gevent.spawn((Runnable) null));
        assertThrows(NullPointerException.class, () -> Gevent.joinAll(null));
        assertThrows(NullPointerException.class, () -> Gevent.spawn(() -> 1).kill(null));
    }

    @Test
    void invalidConfigurationIsNamed() {
        System.setProperty(Config.HUB_BATCH, "zero");
        try {
            assertMessage(assertThrows(IllegalArgumentException.class, Hub::create), Config.HUB_BATCH, "zero",
                    "1 to 1000000");
        } finally {
            System.clearProperty(Config.HUB_BATCH);
        }
    }
}
