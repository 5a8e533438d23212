package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HubTest {

    @Test
    void delayedCallsRunOnTheHubThreadInOrderAndCancelWorks() throws Exception {
        try (Hub hub = Hub.create()) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch done = new CountDownLatch(1);
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            DelayedCall cancelled = hub.callLater(Duration.ofMillis(10), () -> log.add("cancelled"));
            hub.callLater(Duration.ofMillis(40), () -> {
                log.add("later");
                ranOn.set(Thread.currentThread());
                done.countDown();
            });
            hub.callAt(Instant.now().plusMillis(20), () -> log.add("at"));
            hub.callSoon(() -> log.add("soon"));
            assertTrue(cancelled.cancel());
            assertTrue(cancelled.isCancelled());
            assertFalse(cancelled.cancel());
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("soon", "at", "later"), log);
            assertSame(hub.thread(), ranOn.get());
            assertFalse(cancelled.isDone());
        }
    }

    @Test
    void callSoonFromAGreenletRunsAfterAlreadyRunnableGreenlets() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                List<String> l = new ArrayList<>();
                Greenlet<?> g = Gevent.spawn(() -> l.add("greenlet"));
                Gevent.getHub().callSoon(() -> l.add("callback"));
                g.join();
                Gevent.sleep(0);
                return l;
            }).get();
            assertEquals(List.of("greenlet", "callback"), log);
        }
    }

    @Test
    void aFailingCallbackIsLoggedAndTheHubGoesOn() throws Exception {
        try (Hub hub = Hub.create()) {
            CountDownLatch after = new CountDownLatch(1);
            hub.callSoon(() -> {
                throw new IllegalStateException("callback failure (expected in this test)");
            });
            hub.callSoon(after::countDown);
            assertTrue(after.await(10, TimeUnit.SECONDS));
            assertEquals(1, hub.spawn(() -> 1).get());
        }
    }

    @Test
    void closeKillsWhatIsLeftAndFreesTheThread() {
        Hub hub = Hub.create();
        Greenlet<Object> sleeper = hub.spawn(() -> {
            Gevent.sleep(60_000);
            return null;
        });
        Greenlet<Object> notStarted = new Greenlet<>(hub, () -> 1);
        hub.spawn(() -> { }).join();
        hub.close();
        assertTrue(sleeper.isDead());
        assertInstanceOf(GreenletExit.class, sleeper.value());
        assertFalse(hub.thread().isAlive());
        assertTrue(hub.isClosed());
        IllegalStateException e = assertThrows(IllegalStateException.class, notStarted::start);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> hub.spawn(() -> 1));
        assertThrows(IllegalStateException.class, () -> hub.callSoon(() -> { }));
        hub.close(); // idempotent
    }

    @Test
    void closeFromInsideTheHubIsRefused() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> g = hub.spawn(() -> {
                hub.close();
                return null;
            });
            assertThrows(IllegalStateException.class, g::get);
            assertFalse(hub.isClosed());
        }
    }

    @Test
    void defaultHubIsLazyDaemonAndUsedFromOutside() {
        Hub d = Hub.getDefault();
        assertSame(d, Hub.getDefault());
        assertEquals("gevent4j-hub-0", d.thread().getName());
        assertTrue(d.thread().isDaemon());
        assertSame(d, Gevent.getHub());
        assertSame(d, Gevent.spawn(() -> Hub.current()).get());
        assertEquals(List.of("epoll", "nio").contains(d.ioType()), true);
    }

    @Test
    void spawnInsideAGreenletUsesThatGreenletsHub() {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            assertNotSame(a, b);
            Hub inner = a.spawn(() -> Gevent.spawn(() -> Hub.current()).get()).get();
            assertSame(a, inner);
            assertNotSame(a.thread(), b.thread());
        }
    }

    @Test
    void blockingOnTheHubThreadItselfIsRefused() throws Exception {
        try (Hub hub = Hub.create()) {
            AtomicReference<Throwable> err = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            hub.callSoon(() -> {
                try {
                    Gevent.sleep(10);
                } catch (Throwable t) {
                    err.set(t);
                }
                done.countDown();
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, err.get());
            assertTrue(err.get().getMessage().contains("hub's own thread"), err.get().getMessage());
        }
    }

    @Test
    void manyGreenletsSleepConcurrentlyOnOneHub() {
        try (Hub hub = Hub.create()) {
            List<Greenlet<?>> gs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 0; i < 10_000; i++) {
                gs.add(hub.spawn(() -> Gevent.sleep(200)));
            }
            Gevent.joinAll(gs);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // 10,000 sequential sleeps would take 2,000 s; concurrently they take about one sleep
            assertTrue(ms < 20_000, "took " + ms + " ms");
            for (Greenlet<?> g : gs) {
                assertTrue(g.isSuccessful());
            }
        }
    }
}
