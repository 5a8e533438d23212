package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Strict FIFO scheduling on one hub. */
@Timeout(30)
class OrderingTest {

    @Test
    void spawnOrderIsRunOrderAndNothingRunsUntilTheSpawnerBlocks() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                List<String> l = Collections.synchronizedList(new ArrayList<>());
                Greenlet<?> a = Gevent.spawn(() -> l.add("A"));
                Greenlet<?> b = Gevent.spawn(() -> l.add("B"));
                l.add("spawner");
                Gevent.joinAll(List.of(a, b));
                return l;
            }).get();
            assertEquals(List.of("spawner", "A", "B"), log);
        }
    }

    @Test
    void spawnsFromOutsideTheHubRunInOrderAfterTheSpawnerBlocks() {
        try (Hub hub = Hub.create()) {
            List<String> log = Collections.synchronizedList(new ArrayList<>());
            List<Greenlet<?>> gs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                gs.add(hub.spawn(() -> {
                    log.add("start" + n);
                    Gevent.sleep(0);
                    log.add("end" + n);
                }));
            }
            Gevent.joinAll(gs);
            assertEquals(List.of("start0", "start1", "start2", "start3", "start4",
                    "end0", "end1", "end2", "end3", "end4"), log);
        }
    }

    @Test
    void sleepZeroGoesBehindEveryRunnableGreenlet() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                List<String> l = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (String name : List.of("A", "B", "C")) {
                    gs.add(Gevent.spawn(() -> {
                        for (int i = 0; i < 3; i++) {
                            l.add(name + i);
                            Gevent.sleep(0);
                        }
                    }));
                }
                Gevent.joinAll(gs);
                return l;
            }).get();
            assertEquals(List.of("A0", "B0", "C0", "A1", "B1", "C1", "A2", "B2", "C2"), log);
        }
    }

    @Test
    void oneHubNeverRunsTwoGreenletsAtOnce() {
        try (Hub hub = Hub.create()) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            List<Greenlet<?>> gs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                gs.add(hub.spawn(() -> {
                    for (int j = 0; j < 20; j++) {
                        int r = running.incrementAndGet();
                        maxRunning.accumulateAndGet(r, Math::max);
                        for (int k = 0; k < 100; k++) {
                            Thread.onSpinWait();
                        }
                        running.decrementAndGet();
                        Gevent.sleep(j % 3 == 0 ? 1 : 0);
                    }
                }));
            }
            Gevent.joinAll(gs);
            assertEquals(1, maxRunning.get());
            for (Greenlet<?> g : gs) {
                assertTrue(g.isSuccessful());
            }
        }
    }

    @Test
    void greenletsAreThreadsOfTheirOwnOnTheHubThread() {
        try (Hub hub = Hub.create()) {
            ThreadLocal<String> tl = new ThreadLocal<>();
            Greenlet<Thread> a = hub.spawn(() -> {
                tl.set("a");
                Gevent.sleep(0);
                assertEquals("a", tl.get());
                return Thread.currentThread();
            });
            Greenlet<Thread> b = hub.spawn(() -> {
                tl.set("b");
                Gevent.sleep(0);
                assertEquals("b", tl.get());
                assertTrue(hub.inHub());
                return Thread.currentThread();
            });
            Thread ta = a.get();
            Thread tb = b.get();
            assertNotSame(ta, tb);
            assertTrue(ta.isVirtual());
            assertNull(a.getThread(), "a dead greenlet releases its thread");
            assertTrue(hub.spawn(() -> Gevent.getCurrent().getThread() == Thread.currentThread()).get(),
                    "a running greenlet's thread is its virtual thread");
        }
    }

    @Test
    void timersFireInDeadlineOrderAndEqualDeadlinesFifo() {
        try (Hub hub = Hub.create()) {
            List<Integer> l = hub.spawn(() -> {
                List<Integer> order = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                int[] delays = {30, 10, 20, 10, 0};
                for (int i = 0; i < delays.length; i++) {
                    int n = i;
                    gs.add(Gevent.spawn(() -> {
                        Gevent.sleep(delays[n]);
                        order.add(n);
                    }));
                }
                Gevent.joinAll(gs);
                return order;
            }).get();
            assertEquals(List.of(4, 1, 3, 2, 0), l);
        }
    }
}
