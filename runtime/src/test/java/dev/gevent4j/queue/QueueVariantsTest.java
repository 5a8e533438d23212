package dev.gevent4j.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.queue.PriorityQueue, LifoQueue and Channel. */
@Timeout(30)
class QueueVariantsTest {

    @Test
    void priorityQueueReturnsTheSmallestFirst() {
        PriorityQueue<Integer> q = new PriorityQueue<>();
        for (int v : new int[] {5, 1, 4, 2, 3}) {
            q.put(v);
        }
        List<Integer> out = new ArrayList<>();
        while (!q.isEmpty()) {
            out.add(q.getNowait());
        }
        assertEquals(List.of(1, 2, 3, 4, 5), out);

        PriorityQueue<String> byLength = new PriorityQueue<>(0, Comparator.comparing(String::length).reversed());
        byLength.put("a");
        byLength.put("ccc");
        byLength.put("bb");
        assertEquals("ccc", byLength.peek());
        assertEquals("ccc", byLength.getNowait());
        assertEquals("bb", byLength.getNowait());
        PriorityQueue<Object> noOrder = new PriorityQueue<>();
        ClassCastException e = assertThrows(ClassCastException.class, () -> noOrder.put(new Object()));
        assertTrue(e.getMessage().contains("Comparable"), e.getMessage());
        assertEquals(0, noOrder.unfinishedTasks());
    }

    @Test
    void lifoQueueReturnsTheNewestFirstAndIsBounded() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                LifoQueue<Integer> q = new LifoQueue<>(2);
                q.put(1);
                q.put(2);
                assertThrows(QueueFull.class, () -> q.putNowait(3));
                Greenlet<Void> putter = Gevent.spawn(() -> q.put(3));
                Gevent.sleep(0);
                assertEquals(2, q.get());       // makes room: 3 goes in on top
                putter.get();
                assertEquals(3, q.get());
                assertEquals(1, q.get());
                assertEquals(3, q.unfinishedTasks());
            }).get();
        }
    }

    @Test
    void channelIsARendezvous() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Channel<String> ch = new Channel<>();
                assertThrows(QueueFull.class, () -> ch.putNowait("x"));
                assertThrows(QueueEmpty.class, ch::getNowait);
                assertFalse(ch.offer("x"));
                List<String> log = new ArrayList<>();
                Greenlet<Void> putter = Gevent.spawn(() -> {
                    ch.put("ping");
                    log.add("put returned");
                });
                Gevent.sleep(0);
                assertTrue(ch.hasPutters());
                assertEquals(0, ch.size());
                assertNull(ch.peek());
                assertTrue(log.isEmpty(), "put returned before a getter took the item");
                assertEquals("ping", ch.get());
                putter.get();
                assertEquals(List.of("put returned"), log);

                // getters waiting: putNowait hands over; pairing is FIFO
                List<String> got = new ArrayList<>();
                Greenlet<?> g1 = Gevent.spawn(() -> got.add("g1=" + ch.get()));
                Greenlet<?> g2 = Gevent.spawn(() -> got.add("g2=" + ch.get()));
                Gevent.sleep(0);
                assertTrue(ch.hasGetters());
                ch.putNowait("a");
                ch.put("b");
                Gevent.joinAll(List.of(g1, g2));
                assertEquals(List.of("g1=a", "g2=b"), got);

                assertThrows(QueueFull.class, () -> ch.put("late", Duration.ofMillis(5)));
                assertThrows(QueueEmpty.class, () -> ch.get(Duration.ofMillis(5)));
                assertFalse(ch.hasPutters(), "a timed-out putter stayed queued");

                Greenlet<String> blocked = Gevent.spawn(() -> ch.get());
                Gevent.sleep(0);
                ch.shutdown();
                assertThrows(QueueShutDown.class, blocked::get);
                assertThrows(QueueShutDown.class, () -> ch.put("after"));
            }).get();
        }
    }

    @Test
    void aChannelBetweenHubs() {
        try (Hub a = Hub.create(); Hub b = Hub.create()) {
            Channel<Integer> ch = new Channel<>();
            Greenlet<Integer> consumer = a.spawn(() -> {
                int sum = 0;
                for (int i = 0; i < 100; i++) {
                    sum += ch.get();
                }
                return sum;
            });
            b.spawn(() -> {
                for (int i = 1; i <= 100; i++) {
                    ch.put(i);
                }
            }).get();
            assertEquals(5050, consumer.get());
        }
    }
}
