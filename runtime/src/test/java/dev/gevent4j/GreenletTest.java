package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GreenletTest {

    @Test
    void valueAndState() {
        try (Hub hub = Hub.create()) {
            Greenlet<Integer> g = new Greenlet<>(hub, () -> 42);
            assertFalse(g.isStarted());
            assertFalse(g.isReady());
            g.start();
            assertEquals(42, g.get());
            assertTrue(g.isReady());
            assertTrue(g.isDead());
            assertTrue(g.isSuccessful());
            assertEquals(42, g.value());
            assertNull(g.exception());
        }
    }

    @Test
    void failureIsStoredAndRaisedByGet() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> g = hub.spawn(() -> {
                throw new IllegalStateException("boom");
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, g::get);
            assertEquals("boom", e.getMessage());
            assertFalse(g.isSuccessful());
            assertSame(e, g.exception());
            Greenlet<Object> checked = hub.spawn(() -> {
                throw new IOException("io");
            });
            CompletionException ce = assertThrows(CompletionException.class, checked::get);
            assertInstanceOf(IOException.class, ce.getCause());
            // the hub survives failures
            assertEquals("still running", hub.spawn(() -> "still running").get());
        }
    }

    @Test
    void joinAllReturnsCompletionOrderAndTimeoutIsNotAnError() {
        try (Hub hub = Hub.create()) {
            Greenlet<String> slow = hub.spawn(() -> {
                Gevent.sleep(60);
                return "slow";
            });
            Greenlet<String> fast = hub.spawn(() -> {
                Gevent.sleep(5);
                return "fast";
            });
            Greenlet<String> never = hub.spawn(() -> {
                Gevent.sleep(60_000);
                return "never";
            });
            List<Greenlet<?>> done = Gevent.joinAll(List.of(slow, fast, never), Duration.ofMillis(500));
            assertEquals(List.of(fast, slow), done);
            never.kill();
        }
    }

    @Test
    void joinAllListsAGreenletGivenTwiceOnce() {
        try (Hub hub = Hub.create()) {
            Greenlet<String> a = hub.spawn(() -> {
                Gevent.sleep(20);
                return "a";
            });
            Greenlet<String> b = hub.spawn(() -> "b");
            assertEquals(List.of(b, a), Gevent.joinAll(List.of(a, b, a, a)));
            assertEquals(List.of(b, a), Gevent.joinAll(List.of(a, b, a)), "already dead when joined");
        }
    }

    @Test
    void joinAllRaiseErrorRaisesTheFirstFailure() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> bad = hub.spawn(() -> {
                Gevent.sleep(5);
                throw new IllegalArgumentException("bad");
            });
            Greenlet<Object> later = hub.spawn(() -> {
                Gevent.sleep(10_000);
                return null;
            });
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Gevent.joinAllOrRaise(List.of(bad, later)));
            assertEquals("bad", e.getMessage());
            assertFalse(later.isDead());
            later.kill();
            assertTrue(later.isDead());
        }
    }

    @Test
    void linksFireInOrderOnTheHubAndUnlinkRemoves() throws Exception {
        try (Hub hub = Hub.create()) {
            List<String> log = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(2);
            Greenlet<Integer> g = new Greenlet<>(hub, () -> 7);
            Consumer<Greenlet<Integer>> removed = x -> log.add("removed");
            g.link(x -> {
                log.add("link1:" + x.value() + ":" + (Thread.currentThread() == hub.thread()));
                done.countDown();
            });
            g.link(removed);
            g.linkException(x -> log.add("exception"));
            g.linkValue(x -> {
                log.add("value");
                done.countDown();
            });
            assertTrue(g.unlink(removed));
            g.start();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("link1:7:true", "value"), log);

            CountDownLatch late = new CountDownLatch(1);
            g.link(x -> late.countDown()); // linking a dead greenlet fires soon
            assertTrue(late.await(10, TimeUnit.SECONDS));

            CountDownLatch exc = new CountDownLatch(1);
            Greenlet<Object> f = new Greenlet<>(hub, () -> {
                throw new RuntimeException("x");
            });
            f.linkValue(x -> log.add("wrong"));
            f.linkException(x -> exc.countDown());
            f.start();
            assertTrue(exc.await(10, TimeUnit.SECONDS));
            assertFalse(log.contains("wrong"));
        }
    }

    @Test
    void namesAndParents() {
        try (Hub hub = Hub.create()) {
            Greenlet<Greenlet<?>> outer = hub.spawn(() -> {
                Greenlet<Object> child = new Greenlet<>(() -> null);
                assertSame(Gevent.getCurrent(), child.getParent());
                assertSame(hub, child.getHub());
                return child;
            });
            Greenlet<?> child = outer.get();
            assertSame(outer, child.getParent());
            child.setName("worker");
            assertEquals("worker", child.getName());
            assertTrue(outer.getName().startsWith("Greenlet-"));
            Greenlet<?> root = Gevent.getCurrent();
            assertEquals(Thread.currentThread().getName(), root.getName());
            assertNull(root.getParent());
        }
    }

    @Test
    void startLaterAndSpawnLaterUseHubTimers() {
        try (Hub hub = Hub.create()) {
            long t0 = System.nanoTime();
            long elapsed = hub.spawn(() -> Gevent.spawnLater(Duration.ofMillis(50), () -> System.nanoTime()).get())
                    .get() - t0;
            assertTrue(elapsed >= 50_000_000L, "started after " + elapsed + " ns");
        }
    }

    @Test
    void runReturnsTheValueToTheCallerOutsideTheHub() {
        assertEquals("cor", Gevent.run(() -> {
            Gevent.sleep(1);
            return "cor";
        }));
    }

    @Test
    void greenletExitCountsAsSuccess() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> g = hub.spawn(() -> {
                throw new GreenletExit("bye");
            });
            g.join();
            assertTrue(g.isSuccessful());
            assertInstanceOf(GreenletExit.class, g.value());
        }
    }
}
