package dev.gevent4j.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.juc.Blocked;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.event.AsyncResult's behaviour. */
@Timeout(30)
class AsyncResultTest {

    @Test
    void waitersGetTheValueInTheOrderTheyStartedWaiting() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                AsyncResult<String> r = new AsyncResult<>();
                List<String> out = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    int n = i;
                    gs.add(Gevent.spawn(() -> out.add(n + ":" + r.get())));
                }
                Gevent.sleep(0);
                assertFalse(r.isReady());
                r.set("v");
                Gevent.joinAll(gs);
                assertTrue(r.isReady());
                assertTrue(r.isSuccessful());
                assertEquals("v", r.value());
                assertNull(r.exception());
                return out;
            }).get();
            assertEquals(List.of("0:v", "1:v", "2:v", "3:v"), log);
        }
    }

    @Test
    void anExceptionIsRaisedByGetButNotByAwait() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                AsyncResult<String> r = new AsyncResult<>();
                IllegalStateException boom = new IllegalStateException("boom");
                Greenlet<String> getter = Gevent.spawn(() -> r.get());
                Greenlet<String> awaiter = Gevent.spawn(() -> r.await(Duration.ofSeconds(10)));
                Gevent.sleep(0);
                r.setException(boom);
                assertSame(boom, assertThrows(IllegalStateException.class, getter::get));
                assertNull(awaiter.get());
                assertFalse(r.isSuccessful());
                assertSame(boom, r.exception());
                assertNull(r.value());

                AsyncResult<String> checked = new AsyncResult<>();
                IOException io = new IOException("io");
                checked.setException(io);
                CompletionException ce = assertThrows(CompletionException.class, checked::get);
                assertSame(io, ce.getCause());
            }).get();
        }
    }

    @Test
    void getWithATimeoutRaisesTimeoutAndAwaitReturnsNull() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                AsyncResult<Integer> r = new AsyncResult<>();
                dev.gevent4j.Timeout t = assertThrows(dev.gevent4j.Timeout.class, () -> r.get(Duration.ofMillis(10)));
                assertEquals(Duration.ofMillis(10), t.getDuration());
                assertNull(r.await(Duration.ofMillis(10)));
                assertNull(r.await(Duration.ZERO));
                assertNull(r.getNowait());
                r.set(7);
                assertEquals(7, r.get(Duration.ZERO));
                assertEquals(7, r.await(Duration.ZERO));
            }).get();
        }
    }

    @Test
    void completingTwiceIsAnError() {
        AsyncResult<Integer> r = new AsyncResult<>();
        r.set(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.set(2));
        assertTrue(e.getMessage().contains("once"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.setException(new RuntimeException()));
        assertEquals(1, r.get());
        assertThrows(NullPointerException.class, () -> new AsyncResult<>().setException(null));
    }

    @Test
    void linksRunOnTheHubInLinkOrderAndTheFutureViewCompletes() throws Exception {
        try (Hub hub = Hub.create()) {
            AsyncResult<String> r = new AsyncResult<>();
            List<String> log = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(3);
            CompletableFuture<String> f = r.toCompletableFuture();
            assertSame(f, r.toCompletableFuture());
            hub.spawn(() -> {
                r.link(x -> {
                    log.add("a:" + x.value() + ":" + hub.inHub());
                    done.countDown();
                });
                r.link(x -> {
                    log.add("b:" + x.value());
                    done.countDown();
                });
            }).get();
            java.util.function.Consumer<AsyncResult<String>> removed = x -> log.add("removed");
            hub.spawn(() -> r.link(removed)).get();
            assertTrue(r.unlink(removed));
            r.set("x");
            hub.spawn(() -> r.link(x -> { // already ready: runs soon
                log.add("c");
                done.countDown();
            })).get();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(List.of("a:x:true", "b:x", "c"), log);
            assertEquals("x", f.get(10, TimeUnit.SECONDS));

            AsyncResult<String> failed = new AsyncResult<>();
            failed.setException(new IllegalArgumentException("bad"));
            ExecutionException ee = assertThrows(ExecutionException.class,
                    () -> failed.toCompletableFuture().get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, ee.getCause());
        }
    }

    @Test
    void aPlatformThreadOrAnotherHubCanCompleteIt() throws Exception {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            AsyncResult<String> r1 = new AsyncResult<>();
            Greenlet<String> w1 = a.spawn(() -> r1.get());
            Blocked.await(w1);
            Thread t = Thread.ofPlatform().start(() -> r1.set("from thread"));
            assertEquals("from thread", w1.get());
            t.join();

            AsyncResult<String> r2 = new AsyncResult<>();
            Greenlet<String> w2 = a.spawn(() -> r2.get());
            Blocked.await(w2);
            b.spawn(() -> r2.set("from hub b")).get();
            assertEquals("from hub b", w2.get());

            AsyncResult<String> r3 = new AsyncResult<>();
            b.spawn(() -> r3.set("to main"));
            assertEquals("to main", r3.get()); // a platform thread waiting
        }
    }

    @Test
    void killWhileWaitingPropagates() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                AsyncResult<String> r = new AsyncResult<>();
                Greenlet<String> g = Gevent.spawn(() -> r.get());
                Gevent.sleep(0);
                UnsupportedOperationException stop = new UnsupportedOperationException("stop");
                g.kill(stop);
                assertSame(stop, g.exception());
                r.set("late");
                assertEquals("late", r.get());
            }).get();
        }
    }
}
