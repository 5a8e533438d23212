package dev.gevent4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.GreenletExit;
import dev.gevent4j.Hub;
import dev.gevent4j.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** gevent.pool.Pool and Group: membership, bounds, join and kill. */
@Timeout(30)
class PoolTest {

    @Test
    void spawnBlocksWhileThePoolIsFullAndSpawnersGetSlotsInOrder() {
        try (Hub hub = Hub.create()) {
            List<String> log = hub.spawn(() -> {
                Pool pool = new Pool(2);
                Event release = new Event();
                List<String> out = new ArrayList<>();
                pool.spawn(() -> release.await());
                pool.spawn(() -> release.await());
                assertTrue(pool.isFull());
                assertEquals(0, pool.freeCount());
                List<Greenlet<?>> spawners = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    int n = i;
                    spawners.add(Gevent.spawn(() -> {
                        out.add("spawner" + n + " waits");
                        pool.spawn(() -> out.add("task" + n + " runs"));
                        out.add("spawner" + n + " spawned");
                    }));
                }
                Gevent.sleep(0);
                assertEquals(List.of("spawner0 waits", "spawner1 waits"), out);
                assertEquals(2, pool.size());
                release.set();
                Gevent.joinAll(spawners);
                pool.join();
                assertEquals(2, pool.freeCount());
                assertTrue(pool.isEmpty());
                return out;
            }).get();
            assertEquals(List.of("spawner0 waits", "spawner1 waits", "spawner0 spawned", "spawner1 spawned",
                    "task0 runs", "task1 runs"), log);
        }
    }

    @Test
    void anAddThatMustNotWaitRaisesPoolFull() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Pool pool = new Pool(1);
                Event release = new Event();
                pool.spawn(() -> release.await());
                Greenlet<Void> extra = new Greenlet<>(() -> { });
                PoolFull e = assertThrows(PoolFull.class, () -> pool.addNowait(extra));
                assertTrue(e.getMessage().contains("full"), e.getMessage());
                assertThrows(PoolFull.class, () -> pool.add(extra, Duration.ofMillis(10)));
                assertFalse(pool.contains(extra));
                assertEquals(0, pool.awaitAvailable(Duration.ofMillis(5)));
                Greenlet<Integer> waiter = Gevent.spawn(() -> pool.awaitAvailable(null));
                Gevent.sleep(0);
                release.set();
                assertEquals(1, waiter.get());
                pool.addNowait(extra);
                pool.start(extra);
                pool.join();
                assertTrue(extra.isDead());
            }).get();
        }
    }

    @Test
    void killWhileWaitingForASlotNeverStartsTheGreenlet() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Pool pool = new Pool(1);
                Event release = new Event();
                pool.spawn(() -> release.await());
                List<String> ran = new ArrayList<>();
                Greenlet<?> spawner = Gevent.spawn(() -> pool.spawn(() -> ran.add("should not run")));
                Gevent.sleep(0);
                spawner.kill();
                release.set();
                pool.join();
                Gevent.sleep(1);
                assertTrue(ran.isEmpty());
                assertEquals(1, pool.freeCount());
            }).get();
        }
    }

    @Test
    void joinWithRaiseErrorRaisesTheFirstFailureAndTimesOut() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Group group = new Group();
                IllegalStateException boom = new IllegalStateException("boom");
                group.spawn(() -> {
                    throw boom;
                });
                group.spawn(() -> 1);
                assertSame(boom, assertThrows(IllegalStateException.class, () -> group.joinOrRaise(null)));
                assertTrue(group.isEmpty());

                Event never = new Event();
                group.spawn(() -> never.await());
                assertFalse(group.join(Duration.ofMillis(10), false));
                assertEquals(1, group.size());
                group.kill();
                assertTrue(group.isEmpty());
                assertTrue(group.join(Duration.ZERO));
            }).get();
        }
    }

    @Test
    void killKillsEveryMemberButTheCaller() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Pool pool = new Pool(3);
                Event never = new Event();
                Greenlet<Void> a = pool.spawn(() -> never.await());
                Greenlet<Void> b = pool.spawn(() -> never.await());
                Greenlet<Void> self = pool.spawn(() -> {
                    never.await(Duration.ofMillis(1));
                    pool.kill();
                });
                self.get();
                assertInstanceOf(GreenletExit.class, a.value());
                assertInstanceOf(GreenletExit.class, b.value());
                pool.join();
                assertEquals(3, pool.freeCount());
            }).get();
        }
    }

    @Test
    void applyRunsInAMemberOrInlineWhenTheCallerIsOne() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Pool pool = new Pool(1);
                Greenlet<?> caller = Gevent.getCurrent();
                Greenlet<?> ranIn = pool.apply(Gevent::getCurrent);
                assertTrue(ranIn != caller);
                // a member applying into its own full pool runs inline instead of waiting for itself
                Greenlet<Boolean> member = pool.spawn(() -> pool.apply(() -> Gevent.getCurrent()) == Gevent.getCurrent());
                assertTrue(member.get());
                assertEquals(5, pool.applyAsync(() -> 5).get());
                assertThrows(java.util.concurrent.CompletionException.class, () -> pool.apply(() -> {
                    throw new java.io.IOException("checked");
                }));
            }).get();
        }
    }

    @Test
    void badSizesAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Pool(0));
        assertTrue(e.getMessage().contains(">= 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Pool(-3));
    }

    @Test
    void aPlatformThreadSpawnsIntoAPoolAndJoinsIt() {
        Pool pool = new Pool(2);
        List<Integer> done = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Hub hub = Hub.create()) {
            List<Greenlet<?>> gs = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int n = i;
                gs.add(hub.spawn(() -> pool.spawn(() -> {
                    Gevent.sleep(1);
                    done.add(n);
                })));
            }
            Gevent.joinAll(gs);
            pool.join(); // an outside thread waiting for greenlets of a hub
            assertEquals(5, done.size());
            assertEquals(2, pool.freeCount());
        }
    }
}
