package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** joinAll returns the greenlets in the order they ended, whether they end during the wait or had ended before. */
@Timeout(30)
class JoinAllOrderTest {

    @Test
    void greenletsEndingDuringTheWaitComeBackInCompletionOrder() {
        try (Hub hub = Hub.create()) {
            List<Greenlet<?>> got = hub.spawn(() -> {
                Greenlet<String> slow = Gevent.spawn(() -> { Gevent.sleep(0); Gevent.sleep(0); return "slow"; });
                Greenlet<String> mid = Gevent.spawn(() -> { Gevent.sleep(0); return "mid"; });
                Greenlet<String> fast = Gevent.spawn(() -> "fast");
                return Gevent.joinAll(List.of(slow, mid, fast));
            }).get();
            assertEquals(List.of("fast", "mid", "slow"), got.stream().map(Greenlet::value).toList());
        }
    }

    @Test
    void greenletsThatEndedBeforeTheCallAreOrderedByWhenTheyEnded() {
        try (Hub hub = Hub.create()) {
            List<Greenlet<?>> got = hub.spawn(() -> {
                Greenlet<String> second = Gevent.spawn(() -> { Gevent.sleep(0); return "second"; });
                Greenlet<String> first = Gevent.spawn(() -> "first");
                Greenlet<String> later = Gevent.spawn(() -> { Gevent.sleep(5); return "later"; });
                Gevent.sleep(1); // first and second have ended, later still sleeps
                return Gevent.joinAll(List.of(later, second, first));
            }).get();
            assertEquals(List.of("first", "second", "later"), got.stream().map(Greenlet::value).toList());
        }
    }
}
