package dev.gevent4j.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.LoopExit;
import dev.gevent4j.juc.Blocked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.event.Event's behaviour. */
@Timeout(30)
class EventTest {

    @Test
    void setWakesEveryWaiterInTheOrderTheyStartedWaiting() {
        try (Hub hub = Hub.create()) {
            List<Integer> woke = hub.spawn(() -> {
                Event e = new Event();
                List<Integer> log = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    gs.add(Gevent.spawn(() -> {
                        e.await();
                        log.add(n);
                    }));
                }
                Gevent.sleep(0); // every waiter is now parked, in spawn order
                assertTrue(log.isEmpty());
                e.set();
                Gevent.joinAll(gs);
                return log;
            }).get();
            assertEquals(List.of(0, 1, 2, 3, 4), woke);
        }
    }

    @Test
    void awaitReturnsAtOnceWhenSetAndTimesOutWhenNot() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Event e = new Event();
                assertFalse(e.isSet());
                assertFalse(e.await(Duration.ZERO));
                long t0 = System.nanoTime();
                assertFalse(e.await(Duration.ofMillis(30)));
                assertTrue(System.nanoTime() - t0 >= 30_000_000L, "returned before the timeout");
                e.set();
                assertTrue(e.isSet());
                assertTrue(e.await(Duration.ZERO));
                e.await();
                e.clear();
                assertFalse(e.isSet());
                assertFalse(e.await(Duration.ofMillis(1)));
            }).get();
        }
    }

    @Test
    void aWaiterWokenBySetReturnsTrueEvenIfClearedBeforeItRuns() {
        try (Hub hub = Hub.create()) {
            boolean r = hub.spawn(() -> {
                Event e = new Event();
                Greenlet<Boolean> w = Gevent.spawn(() -> e.await(Duration.ofSeconds(10)));
                Gevent.sleep(0);
                e.set();
                e.clear(); // before the waiter runs again
                return w.get();
            }).get();
            assertTrue(r);
        }
    }

    @Test
    void killWhileWaitingPropagatesAndLeavesTheEventUsable() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Event e = new Event();
                Greenlet<Boolean> victim = Gevent.spawn(() -> e.await(null));
                Greenlet<Boolean> other = Gevent.spawn(() -> e.await(null));
                Gevent.sleep(0);
                IllegalStateException boom = new IllegalStateException("boom");
                victim.kill(boom);
                assertSame(boom, victim.exception());
                e.set();
                assertTrue(other.get());
            }).get();
        }
    }

    @Test
    void aTimeoutRaisedWhileWaitingPropagates() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Event e = new Event();
                dev.gevent4j.Timeout t = dev.gevent4j.Timeout.start(Duration.ofMillis(20));
                dev.gevent4j.Timeout raised = assertThrows(dev.gevent4j.Timeout.class, e::await);
                assertSame(t, raised);
            }).get();
        }
    }

    @Test
    void aGreenletOfAnotherHubCanSetIt() {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            Event e = new Event();
            Greenlet<Boolean> waiter = a.spawn(() -> e.await(Duration.ofSeconds(20)));
            Blocked.await(waiter);
            b.spawn(e::set).get();
            assertTrue(waiter.get());
        }
    }

    @Test
    void aPlatformThreadCanSetItAndWaitForIt() throws Exception {
        try (Hub hub = Hub.create()) {
            Event e = new Event();
            Greenlet<Void> waiter = hub.spawn(() -> e.await());
            Blocked.await(waiter);
            Thread setter = Thread.ofPlatform().start(e::set);
            waiter.get(); // main waits on the greenlet: no LoopExit, because the event is shared with threads
            setter.join();

            Event back = new Event();
            List<String> log = new CopyOnWriteArrayList<>();
            hub.spawn(() -> {
                log.add("greenlet");
                back.set();
            });
            back.await(); // an outside thread waiting on a greenlet's set
            assertEquals(List.of("greenlet"), log);
        }
    }

    @Test
    void aHubOwnedEventThatNobodySetsMakesAnOutsideJoinerRaiseLoopExit() {
        try (Hub hub = Hub.create()) {
            Greenlet<Void> g = hub.spawn(() -> new Event().await());
            LoopExit e = assertThrows(LoopExit.class, g::join);
            assertTrue(e.getMessage().contains("block forever"), e.getMessage());
        }
    }

    @Test
    void badTimeoutIsRejected() {
        Event e = new Event();
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                () -> e.await(Duration.ofMillis(-1)));
        assertTrue(x.getMessage().contains("timeout"), x.getMessage());
    }
}
