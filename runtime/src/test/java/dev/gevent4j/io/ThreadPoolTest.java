package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.testing.HubPerTest;
import dev.gevent4j.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
class ThreadPoolTest extends HubPerTest {
    @Test
    void defaultSizeIsTen() {
        assertEquals(10, hub.threadPool().size());
        assertEquals(hub.threadPool(), hub.threadPool());
    }

    @Test
    void getParksOnlyTheCallingGreenlet() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ticks = new AtomicInteger();
        Greenlet<String> waiter = hub.spawn(() -> hub.threadPool().submit(() -> {
            release.await(10, TimeUnit.SECONDS); // a blocking call on a pool thread
            return "done on " + Thread.currentThread().getName();
        }).get());
        Greenlet<Void> ticker = hub.spawn(() -> {
            while (ticks.incrementAndGet() < 20) {
                Gevent.sleep(1);
            }
            release.countDown();
        });
        String v = waiter.get();
        ticker.join();
        assertTrue(v.startsWith("done on " + hub.getName() + "-pool-"), v);
        assertEquals(20, ticks.get());
    }

    @Test
    void failuresAreRaisedInTheWaiter() {
        Greenlet<Object> g = hub.spawn(() -> hub.threadPool().submit(() -> {
            throw new IllegalStateException("boom");
        }).get());
        IllegalStateException e = assertThrows(IllegalStateException.class, g::get);
        assertEquals("boom", e.getMessage());
    }

    @Test
    void mapKeepsTheOrderOfItsInput() {
        List<Integer> r = hub.spawn(() -> hub.threadPool().map(String::length, List.of("a", "bbb", "cc"))).get();
        assertEquals(List.of(1, 3, 2), r);
    }

    @Test
    void getWithTimeoutRaisesTimeout() {
        CountDownLatch never = new CountDownLatch(1);
        Greenlet<Object> g = hub.spawn(() -> {
            ThreadResult<Object> r = hub.threadPool().submit(() -> {
                never.await(10, TimeUnit.SECONDS);
                return null;
            });
            try {
                return r.get(Duration.ofMillis(50));
            } finally {
                r.cancel();
            }
        });
        assertThrows(dev.gevent4j.Timeout.class, g::get);
    }

    @Test
    void closingTheHubShutsThePoolAndCancelsWhatIsQueued() throws Exception {
        Hub h = Hub.create();
        ThreadPool pool = h.threadPool();
        CountDownLatch started = new CountDownLatch(1);
        ThreadResult<Object> running = pool.submit(() -> {
            started.countDown();
            Thread.sleep(30_000);
            return null;
        });
        started.await();
        h.close();
        assertTrue(pool.isShutdown());
        assertThrows(CancellationException.class, running::get);
        assertThrows(IllegalStateException.class, h::threadPool);
    }

    @Test
    void resultsWorkFromOutsideAnyHub() {
        assertEquals(42, hub.threadPool().submit(() -> 42).get());
    }
}
