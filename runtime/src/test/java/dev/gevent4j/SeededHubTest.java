package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Hub.builder().seed(s): what a seed perturbs, and that the same seed gives the same order. */
@Timeout(60)
class SeededHubTest {
    /**
     * Ten greenlets park; while a greenlet keeps the hub busy, another thread unparks them in index order, so that
     * all ten wake-ups arrive in one poll of the loop. Returns the order in which they ran.
     */
    static List<Integer> outsideWakeOrder(Hub hub) throws Exception {
        List<Integer> order = new CopyOnWriteArrayList<>();
        List<Greenlet<Void>> gs = new ArrayList<>();
        AtomicBoolean[] woken = new AtomicBoolean[10];
        for (int i = 0; i < 10; i++) {
            int k = i;
            woken[k] = new AtomicBoolean();
            gs.add(hub.spawn(() -> {
                while (!woken[k].get()) {
                    LockSupport.park(); // a plain park: only another thread's unpark ends it
                }
                order.add(k);
            }));
        }
        for (Greenlet<Void> g : gs) { // all parked (started, and their threads waiting)
            while (g.getThread() == null || g.getThread().getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
        }
        CountDownLatch spinning = new CountDownLatch(1);
        AtomicBoolean posted = new AtomicBoolean();
        Greenlet<Void> busy = hub.spawn(() -> {
            spinning.countDown();
            while (!posted.get()) {
                Thread.onSpinWait(); // holds the hub: the wake-ups below queue up meanwhile
            }
        });
        assertTrue(spinning.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < 10; i++) {
            woken[i].set(true);
            LockSupport.unpark(gs.get(i).getThread());
        }
        posted.set(true);
        busy.join();
        Gevent.joinAll(gs);
        return order;
    }

    @Test
    void outsideWakeUpsKeepTheirOrderWithoutASeed() throws Exception {
        try (Hub hub = Hub.create()) {
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), outsideWakeOrder(hub));
        }
    }

    @Test
    void aSeedShufflesOutsideWakeUpsTheSameWayEachTime() throws Exception {
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            List<Integer> first;
            try (Hub hub = Hub.builder().seed(seed).build()) {
                assertEquals(seed, hub.seed());
                first = outsideWakeOrder(hub);
            }
            try (Hub hub = Hub.builder().seed(seed).build()) {
                assertEquals(first, outsideWakeOrder(hub), "seed " + seed + " gives the same order again");
            }
            orders.add(first);
        }
        assertTrue(orders.size() > 1, "different seeds, different orders: " + orders);
    }

    @Test
    void aSeedReordersTimersWithEqualDeadlinesOnlyWithinTheJitter() throws Exception {
        Set<List<Integer>> orders = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            try (Hub hub = Hub.builder().virtualTime(true).seed(seed).timerJitter(Duration.ofMillis(1)).build()) {
                List<Integer> order = new CopyOnWriteArrayList<>();
                List<Greenlet<Void>> gs = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    int k = i;
                    gs.add(hub.spawn(() -> {
                        Gevent.sleep(10); // equal deadlines: the jitter decides
                        order.add(k);
                        Gevent.sleep(5); // 5 ms apart: beyond the 1 ms jitter, order kept
                        order.add(100 + k);
                    }));
                }
                for (Greenlet<Void> g : gs) {
                    g.join();
                }
                orders.add(order.subList(0, 5));
                List<Integer> second = order.subList(5, 10).stream().map(x -> x - 100).toList();
                assertEquals(new HashSet<>(order.subList(0, 5)), new HashSet<>(second));
            }
        }
        assertTrue(orders.size() > 1, "the seeds reorder equal deadlines: " + orders);
    }
}
