package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.event.AsyncResult;
import dev.gevent4j.event.Event;
import dev.gevent4j.testing.LeakCheck;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(60)
class HubGroupTest {

    @Test
    void defaultSizeIsTheAvailableProcessorsAndEachHubHasItsOwnThread() {
        try (HubGroup g = HubGroup.create()) {
            assertEquals(Runtime.getRuntime().availableProcessors(), g.size());
            Set<Thread> threads = new HashSet<>();
            for (Hub h : g.hubs()) {
                assertTrue(h.thread().isAlive());
                assertTrue(h.getName().startsWith("gevent4j-hub-g"), h.getName());
                threads.add(h.thread());
                assertTrue(g.contains(h));
            }
            assertEquals(g.size(), threads.size());
            assertFalse(g.contains(Hub.getDefault()));
        }
    }

    @Test
    void badSizesAreRefusedNamingWhatIsAllowed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HubGroup.create(0));
        assertTrue(e.getMessage().contains("hubs is 0") && e.getMessage().contains("from 1 to 4096"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HubGroup.create(-3));
        assertThrows(IllegalArgumentException.class, () -> HubGroup.create(HubGroup.MAX_HUBS + 1));
        assertThrows(NullPointerException.class, () -> {
            try (HubGroup g = HubGroup.create(1)) {
                g.spawn((Runnable) null);
            }
        });
    }

    @Test
    void spawnsFromOutsideSpreadEvenlyOverTheHubs() {
        try (HubGroup g = HubGroup.create(4)) {
            // every greenlet waits on one event, so all 400 are live at once: least-loaded gives each hub 100
            Event release = new Event();
            List<Greenlet<Hub>> gs = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                gs.add(g.spawn(() -> {
                    release.await();
                    return Hub.current();
                }));
            }
            int[] loads = g.loads();
            assertEquals(List.of(100, 100, 100, 100), Arrays.stream(loads).boxed().toList());
            release.set();
            ConcurrentHashMap<Hub, AtomicInteger> perHub = new ConcurrentHashMap<>();
            for (Greenlet<Hub> x : gs) {
                Hub h = x.get();
                assertSame(h, x.getHub());
                perHub.computeIfAbsent(h, k -> new AtomicInteger()).incrementAndGet();
            }
            assertEquals(4, perHub.size());
            perHub.values().forEach(c -> assertEquals(100, c.get()));
            assertEquals(List.of(0, 0, 0, 0), Arrays.stream(g.loads()).boxed().toList());
        }
    }

    @Test
    void leastLoadedAvoidsAHubThatIsStillBusy() {
        try (HubGroup g = HubGroup.create(2)) {
            Event release = new Event();
            Greenlet<?> busy = g.spawn(() -> release.await());
            Hub busyHub = busy.getHub();
            // while `busy` lives, every short greenlet goes to the other hub, one at a time
            for (int i = 0; i < 10; i++) {
                Greenlet<Hub> s = g.spawn(Hub::current);
                assertNotSame(busyHub, s.get());
            }
            release.set();
            busy.join();
        }
    }

    @Test
    void aGreenletSpawnedFromAGreenletStaysOnItsHubInFifoOrder() {
        try (HubGroup g = HubGroup.create(3)) {
            List<Greenlet<Boolean>> parents = new ArrayList<>();
            for (int p = 0; p < 6; p++) {
                parents.add(g.spawn(() -> {
                    Hub own = Hub.current();
                    List<Integer> order = new ArrayList<>(); // hub-confined: only this hub's greenlets touch it
                    List<Greenlet<?>> kids = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        int n = i;
                        kids.add(g.spawn(() -> {
                            order.add(n);
                            return Hub.current();
                        }));
                        kids.add(Gevent.spawn(() -> Hub.current()));
                    }
                    Gevent.joinAll(kids);
                    for (Greenlet<?> k : kids) {
                        if (k.getHub() != own || k.value() != own) {
                            return false;
                        }
                    }
                    assertSame(own, g.nextHub());
                    for (int i = 0; i < 50; i++) {
                        if (order.get(i) != i) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Greenlet<Boolean> p : parents) {
                assertTrue(p.get(), "a child left its parent's hub or ran out of spawn order");
            }
        }
    }

    @Test
    void joinAllFromOutsideOverTwoHubsIsNoLoopExitWhenOneHubRunsOutOfWork() {
        // regression: joinAll registered its outside wait for LoopExit with the first greenlet's hub only, so that
        // hub, idle once its own greenlets ended, declared the caller stuck while the other hub still worked
        try (HubGroup g = HubGroup.create(2)) {
            Event late = new Event();
            Greenlet<?> quick = g.spawn(() -> { });
            Greenlet<?> slow = g.spawn(() -> late.await());
            assertNotSame(quick.getHub(), slow.getHub());
            Greenlet<?> setter = g.spawn(() -> {
                quick.join();
                Gevent.sleep(50); // the quick hub is idle meanwhile
                late.set();
            });
            assertEquals(3, Gevent.joinAll(List.of(quick, slow, setter)).size());
        }
    }

    @Test
    void anEventCreatedOnOneHubAndSetLaterByAnotherHubIsNoLoopExitForAnOutsideJoiner() {
        // a primitive made in a greenlet used to count as that hub's own until another hub touched it: the hub,
        // its only greenlet waiting on it and no timer left, declared LoopExit to main while a sibling hub was
        // about to set it
        try (HubGroup g = HubGroup.create(2)) {
            Hub a = g.hubs().get(0);
            Hub b = g.hubs().get(1);
            Greenlet<String> waiter = a.spawn(() -> {
                Event e = new Event();
                AsyncResult<String> r = new AsyncResult<>();
                b.spawn(() -> {
                    Gevent.sleep(50);
                    r.set("from b");
                    e.set();
                });
                e.await();
                return r.get();
            });
            assertEquals("from b", waiter.get());
        }
    }

    @Test
    void gevent_spawnFromOutsideStillUsesTheDefaultHub() {
        try (HubGroup g = HubGroup.create(2)) {
            Greenlet<Hub> x = Gevent.spawn(Hub::current);
            assertSame(Hub.getDefault(), x.get());
            assertFalse(g.contains(x.get()));
        }
    }

    @Test
    void closeKillsEveryHubsGreenletsAndLeavesNoHubThread() {
        HubGroup g = HubGroup.create(3);
        List<Greenlet<?>> sleepers = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            sleepers.add(g.spawn(() -> Gevent.sleep(60_000)));
        }
        Gevent.sleep(0); // let the held starts go (the caller blocks)
        List<Thread> threads = g.hubs().stream().map(Hub::thread).toList();
        g.close();
        assertTrue(g.isClosed());
        for (Thread t : threads) {
            assertFalse(t.isAlive(), t.getName());
        }
        for (Hub h : g.hubs()) {
            assertTrue(h.isClosed());
        }
        for (Greenlet<?> s : sleepers) {
            assertTrue(s.isDead());
            assertTrue(s.value() instanceof GreenletExit, String.valueOf(s.value()));
        }
        g.close(); // idempotent
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> g.spawn(() -> 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, g::nextHub);
    }

    @Test
    void closeFromOneOfTheGroupsGreenletsIsRefusedAndClosesNothing() {
        try (HubGroup g = HubGroup.create(2)) {
            Greenlet<Throwable> x = g.spawn(() -> {
                try {
                    g.close();
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            Throwable t = x.get();
            assertTrue(t instanceof IllegalStateException && t.getMessage().contains("from hub"), String.valueOf(t));
            assertFalse(g.isClosed());
            assertEquals(2, g.spawn(() -> 2).get());
        }
    }

    @Test
    void anInterruptOfTheClosingThreadIsKeptNotLost() {
        HubGroup g = HubGroup.create(2);
        Thread.currentThread().interrupt();
        try {
            g.close();
            assertTrue(Thread.interrupted(), "close() must set the interrupt again");
        } finally {
            Thread.interrupted();
        }
        for (Hub h : g.hubs()) {
            assertFalse(h.thread().isAlive());
        }
    }

    /** The group's hubs share one thread pool (platform threads do not grow with the hubs); the group closes it. */
    @Test
    void theHubsShareOneThreadPoolClosedWithTheGroup() throws Exception {
        dev.gevent4j.io.ThreadPool pool;
        try (HubGroup g = HubGroup.create(3)) {
            pool = g.hubs().get(0).threadPool();
            for (Hub h : g.hubs()) {
                assertSame(pool, h.threadPool(), "hub " + h.getName());
            }
            assertEquals(6, (int) g.hubs().get(2).spawn(() -> Hub.current().threadPool().apply(() -> 2 * 3)).get());
        }
        assertThrows(IllegalStateException.class, () -> pool.apply(() -> 1), "the group closed its pool");
    }
}
