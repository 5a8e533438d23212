package dev.gevent4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.juc.Blocked;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.queue.Queue (joinable) and its BlockingQueue face. */
@Timeout(30)
class QueueTest {

    @Test
    void itemsComeOutFirstInFirstOutAndBlockedGettersAreServedInWaitingOrder() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                Queue<String> q = new Queue<>();
                List<String> out = new ArrayList<>();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    gs.add(Gevent.spawn(() -> out.add("getter" + n + "=" + q.get())));
                }
                Gevent.sleep(0);
                q.put("a");
                q.put("b");
                q.put("c");
                assertEquals(0, q.size(), "items put while getters wait go straight to them");
                Gevent.joinAll(gs);
                q.put("x");
                q.put("y");
                out.add(q.get());
                out.add(q.get());
                return out;
            }).get();
            assertEquals(List.of("getter0=a", "getter1=b", "getter2=c", "x", "y"), log);
        }
    }

    @Test
    void putBlocksWhileFullAndBlockedPuttersAreServedInWaitingOrder() {
        try (Hub hub = Hub.create()) {
            List<Integer> got = hub.spawn(() -> {
                Queue<Integer> q = new Queue<>(1);
                assertEquals(1, q.maxsize());
                q.put(0);
                assertTrue(q.isFull());
                List<Greenlet<?>> putters = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    int n = i;
                    putters.add(Gevent.spawn(() -> q.put(n)));
                }
                Gevent.sleep(0);
                for (Greenlet<?> p : putters) {
                    assertFalse(p.isDead(), "a put into a full queue returned");
                }
                List<Integer> out = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    out.add(q.get());
                }
                Gevent.joinAll(putters);
                return out;
            }).get();
            assertEquals(List.of(0, 1, 2, 3), got);
        }
    }

    @Test
    void nowaitAndTimedCallsRaiseQueueEmptyAndQueueFull() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Queue<String> q = new Queue<>(1);
                QueueEmpty empty = assertThrows(QueueEmpty.class, q::getNowait);
                assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
                long t0 = System.nanoTime();
                assertThrows(QueueEmpty.class, () -> q.get(Duration.ofMillis(20)));
                assertTrue(System.nanoTime() - t0 >= 20_000_000L);
                assertThrows(QueueEmpty.class, q::peekNowait);
                assertThrows(QueueEmpty.class, () -> q.peek(Duration.ofMillis(5)));
                q.putNowait("a");
                QueueFull full = assertThrows(QueueFull.class, () -> q.putNowait("b"));
                assertTrue(full.getMessage().contains("full"), full.getMessage());
                assertThrows(QueueFull.class, () -> q.put("b", Duration.ofMillis(10)));
                assertEquals(1, q.size(), "a failed put added its item");
                assertEquals("a", q.getNowait());
                assertThrows(IllegalArgumentException.class, () -> q.get(Duration.ofMillis(-1)));
                NullPointerException npe = assertThrows(NullPointerException.class, () -> q.put(null));
                assertTrue(npe.getMessage().contains("null"), npe.getMessage());
            }).get();
        }
    }

    @Test
    void maxsizeZeroOrLessIsUnbounded() {
        for (int maxsize : new int[] {0, -1}) {
            Queue<Integer> q = new Queue<>(maxsize);
            for (int i = 0; i < 10_000; i++) {
                q.putNowait(i);
            }
            assertEquals(10_000, q.size());
            assertFalse(q.isFull());
            assertEquals(0, q.maxsize());
            assertEquals(Integer.MAX_VALUE, q.remainingCapacity());
        }
    }

    @Test
    void peekWaitsForAnItemWithoutTakingIt() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Queue<String> q = new Queue<>();
                assertNull(q.peek());
                Greenlet<String> peeker = Gevent.spawn(() -> q.peek(null));
                Gevent.sleep(0);
                q.put("p");
                assertEquals("p", peeker.get());
                assertEquals("p", q.peek());
                assertEquals("p", q.peekNowait());
                assertEquals(1, q.size());
            }).get();
        }
    }

    @Test
    void taskDoneAndJoinTrackUnfinishedItems() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Queue<Integer> q = new Queue<>();
                assertTrue(q.join(Duration.ZERO));
                List<Integer> processed = new ArrayList<>();
                Gevent.spawn(() -> {
                    for (int i = 0; i < 3; i++) {
                        int v = q.get();
                        Gevent.sleep(1);
                        processed.add(v);
                        q.taskDone();
                    }
                });
                q.put(1);
                q.put(2);
                q.put(3);
                assertEquals(3, q.unfinishedTasks());
                assertFalse(q.join(Duration.ofMillis(1)));
                q.join();
                assertEquals(List.of(1, 2, 3), processed);
                IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
                assertTrue(e.getMessage().contains("more times"), e.getMessage());
            }).get();
        }
    }

    @Test
    void shutdownWakesBlockedCallersAndEndsConsumption() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Queue<Integer> q = new Queue<>(2);
                Greenlet<List<Integer>> consumer = Gevent.spawn(() -> {
                    List<Integer> out = new ArrayList<>();
                    for (int v : q.consume()) {
                        out.add(v);
                    }
                    return out;
                });
                q.put(1);
                q.put(2);
                q.shutdown();
                assertTrue(q.isShutDown());
                assertThrows(QueueShutDown.class, () -> q.put(3));
                assertEquals(List.of(1, 2), consumer.get()); // items left are still delivered, then the loop ends
                assertThrows(QueueShutDown.class, q::get);

                Queue<Integer> full = new Queue<>(1);
                full.put(1);
                Greenlet<Void> blockedPut = Gevent.spawn(() -> full.put(2));
                Gevent.sleep(0);
                full.shutdown(true); // immediate: items dropped, blocked put raises, join returns
                assertThrows(QueueShutDown.class, blockedPut::get);
                assertEquals(0, full.size());
                assertTrue(full.join(Duration.ZERO));

                Queue<Integer> empty = new Queue<>();
                Greenlet<Integer> blockedGet = Gevent.spawn(() -> empty.get());
                Gevent.sleep(0);
                empty.shutdown();
                assertThrows(QueueShutDown.class, blockedGet::get);
            }).get();
        }
    }

    @Test
    void killWhileWaitingTakesNothingAndLosesNoItem() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Queue<String> q = new Queue<>();
                Greenlet<String> victim = Gevent.spawn(() -> q.get());
                Greenlet<String> next = Gevent.spawn(() -> q.get(Duration.ofSeconds(10)));
                Gevent.sleep(0);
                IllegalStateException stop = new IllegalStateException("stop");
                victim.kill(stop);
                assertSame(stop, victim.exception());
                q.put("item");
                assertEquals("item", next.get());

                Queue<String> bounded = new Queue<>(1);
                bounded.put("first");
                Greenlet<Void> putter = Gevent.spawn(() -> bounded.put("second"));
                Gevent.sleep(0);
                putter.kill();
                assertEquals(List.of("first"), new ArrayList<>(bounded));
                try (dev.gevent4j.Timeout t = dev.gevent4j.Timeout.start(Duration.ofMillis(5))) {
                    assertSame(t, assertThrows(dev.gevent4j.Timeout.class, () -> bounded.put("third")));
                }
                assertEquals(1, bounded.size());
            }).get();
        }
    }

    @Test
    void producersAndConsumersOnOtherHubsAndPlatformThreads() throws Exception {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            Queue<Integer> q = new Queue<>(4);
            int n = 200;
            Greenlet<Long> consumer = a.spawn(() -> {
                long sum = 0;
                for (int i = 0; i < 2 * n; i++) {
                    sum += q.get();
                }
                return sum;
            });
            Greenlet<Void> producer = b.spawn(() -> {
                for (int i = 1; i <= n; i++) {
                    q.put(i);
                }
            });
            Thread thread = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= n; i++) {
                    q.put(i);
                }
            });
            long expected = 2L * n * (n + 1) / 2;
            assertEquals(expected, consumer.get());
            producer.get();
            thread.join();

            Greenlet<Void> late = a.spawn(() -> q.put(-1));
            late.get();
            assertEquals(-1, q.get()); // a platform thread getting
            Greenlet<Integer> waiting = a.spawn(() -> q.get());
            Blocked.await(waiting);
            q.put(42); // a platform thread waking a greenlet
            assertEquals(42, waiting.get());
        }
    }

    @Test
    void blockingQueueMethodsFollowTheirContract() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                BlockingQueue<Integer> q = new Queue<>(3);
                assertTrue(q.offer(1));
                assertTrue(q.add(2));
                q.put(3);
                assertFalse(q.offer(4));
                assertThrows(IllegalStateException.class, () -> q.add(4));
                assertFalse(q.offer(4, 5, TimeUnit.MILLISECONDS));
                assertEquals(0, q.remainingCapacity());
                assertTrue(q.contains(2));
                assertEquals(List.of(1, 2, 3), new ArrayList<>(q)); // iteration: a snapshot, not consuming
                assertEquals(3, q.size());
                assertEquals(1, q.take());
                assertEquals(2, q.poll());
                List<Integer> sink = new ArrayList<>();
                assertEquals(1, q.drainTo(sink));
                assertEquals(List.of(3), sink);
                assertNull(q.poll());
                assertNull(q.poll(5, TimeUnit.MILLISECONDS));
                q.put(7);
                assertTrue(q.remove(7));
                assertTrue(q.isEmpty());
                return null; // a Callable: BlockingQueue's signatures declare InterruptedException
            }).get();
        }
    }

    @Test
    void removingItemsLetsBlockedPuttersIn() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Queue<Integer> q = new Queue<>(1);
                q.put(1);
                Greenlet<Void> p = Gevent.spawn(() -> q.put(2));
                Gevent.sleep(0);
                q.clear();
                p.get();
                assertEquals(List.of(2), new ArrayList<>(q));
            }).get();
        }
    }
}
