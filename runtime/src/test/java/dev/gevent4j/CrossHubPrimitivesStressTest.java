package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.event.AsyncResult;
import dev.gevent4j.event.Event;
import dev.gevent4j.lock.RLock;
import dev.gevent4j.lock.Semaphore;
import dev.gevent4j.pool.Pool;
import dev.gevent4j.queue.Channel;
import dev.gevent4j.queue.LifoQueue;
import dev.gevent4j.queue.PriorityQueue;
import dev.gevent4j.queue.Queue;
import dev.gevent4j.queue.QueueEmpty;
import dev.gevent4j.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Primitives between greenlets of different hubs of a {@link HubGroup} and plain threads, under load: no lost
 * wake-up (a lost one hangs a join, which has a deadline), every queue item delivered exactly once despite getters
 * killed or timed out mid-wait from other hubs, mutual exclusion kept, and no greenlet, waiter or permit left. Counts
 * are fixed and every wait is bounded; 4 hubs on however many cores the machine has.
 */
@ExtendWith(LeakCheck.class)
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(120)
class CrossHubPrimitivesStressTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int HUBS = 4;

    private HubGroup group;

    @BeforeEach
    void open() {
        group = HubGroup.create(HUBS);
    }

    @AfterEach
    void close() {
        group.close();
    }

    private Hub hub(int i) {
        return group.hubs().get(Math.floorMod(i, HUBS));
    }

    /** A platform thread outside every hub running {@code body}; join with {@link #joinThread}. */
    private static Thread outside(String name, Runnable body) {
        Thread t = Thread.ofPlatform().name(name).start(body);
        return t;
    }

    private static void joinThread(Thread t) throws InterruptedException {
        t.join(BOUND.toMillis());
        assertFalse(t.isAlive(), t.getName() + " did not finish: a lost wake-up?");
    }

    private void assertNoGreenletLeft() {
        for (Hub h : group.hubs()) {
            Hub.Stats s = h.snapshotStats();
            assertEquals(0, s.liveGreenlets(), h + ": " + s);
            assertEquals(0, h.heldStarts(), h + " held starts");
        }
    }

    private static void joinAllBounded(List<Greenlet<?>> gs) {
        List<Greenlet<?>> done = Gevent.joinAll(gs, BOUND);
        assertEquals(gs.size(), done.size(), "greenlets left waiting: a lost wake-up?");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Queues: every item exactly once

    @Test
    void queue() throws Exception {
        everyItemExactlyOnce(() -> new Queue<>(8), 20_000);
    }

    @Test
    void unboundedQueue() throws Exception {
        everyItemExactlyOnce(Queue::new, 20_000);
    }

    @Test
    void lifoQueue() throws Exception {
        everyItemExactlyOnce(() -> new LifoQueue<>(8), 20_000);
    }

    @Test
    void priorityQueue() throws Exception {
        everyItemExactlyOnce(() -> new PriorityQueue<>(8), 20_000);
    }

    @Test
    void channel() throws Exception {
        everyItemExactlyOnce(Channel::new, 10_000);
    }

    /** The queue family's common face for this test. */
    private record Q(Function<Integer, Void> put, Function<Duration, Integer> get) {}

    @SuppressWarnings("unchecked")
    private static Q face(java.util.Collection<Integer> q) {
        if (q instanceof Channel<Integer> c) {
            return new Q(x -> { c.put(x); return null; }, d -> d == null ? c.get() : c.get(d));
        }
        Queue<Integer> qq = (Queue<Integer>) q;
        return new Q(x -> { qq.put(x); return null; }, d -> d == null ? qq.get() : qq.get(d));
    }

    private void everyItemExactlyOnce(Supplier<java.util.Collection<Integer>> make, int n) throws Exception {
        java.util.Collection<Integer> raw = make.get();
        Q q = face(raw);
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        AtomicInteger received = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger killedOrTimedOut = new AtomicInteger();
        int producers = HUBS + 1; // one per hub and one plain thread
        List<Greenlet<?>> gs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int first = p;
            boolean holdsBack = p == HUBS; // the plain thread's last item waits for the churn (below) to act
            Runnable produce = () -> {
                for (int i = first; i < n; i += producers) {
                    if (holdsBack && i + producers >= n) {
                        // without this, a fast run could deliver every item before the churn killed or timed out
                        // a single getter, and the test would prove nothing about kills
                        long deadline = System.nanoTime() + BOUND.toNanos();
                        while (killedOrTimedOut.get() == 0 && System.nanoTime() < deadline) {
                            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                        }
                    }
                    q.put().apply(i);
                }
            };
            if (p < HUBS) {
                gs.add(hub(p).spawn(produce));
            } else {
                threads.add(outside("producer", produce));
            }
        }
        Runnable consume = () -> {
            while (!done.get()) {
                try {
                    record(q.get().apply(Duration.ofMillis(20)), seen, received, done, n);
                } catch (QueueEmpty e) {
                    // keep polling until every item has been seen
                }
            }
        };
        for (int c = 0; c < HUBS; c++) {
            gs.add(hub(c).spawn(consume));
        }
        threads.add(outside("consumer", consume));
        // churn: getters on one hub, killed from another hub or ended by a Timeout, while items flow
        for (int k = 0; k < HUBS; k++) {
            int victimsHub = k;
            gs.add(hub(k + 1).spawn(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                while (!done.get()) {
                    Greenlet<?> victim;
                    if (rnd.nextBoolean()) {
                        victim = hub(victimsHub).spawn(() -> record(q.get().apply(null), seen, received, done, n));
                        Gevent.sleep(Duration.ofNanos(rnd.nextLong(200_000)));
                        victim.kill();
                    } else {
                        victim = hub(victimsHub).spawn(() -> {
                            try (Timeout t = Timeout.start(Duration.ofNanos(rnd.nextLong(1, 300_000)))) {
                                record(q.get().apply(null), seen, received, done, n);
                            } catch (Timeout e) {
                                killedOrTimedOut.incrementAndGet();
                            }
                        });
                        victim.join(BOUND);
                    }
                    assertTrue(victim.isDead(), "a victim getter did not end");
                    if (!victim.isSuccessful() || victim.value() instanceof GreenletExit) {
                        killedOrTimedOut.incrementAndGet();
                    }
                }
            }));
        }
        joinAllBounded(gs);
        for (Thread t : threads) {
            joinThread(t);
        }
        assertEquals(n, received.get(), "items received");
        for (int i = 0; i < n; i++) {
            assertEquals(1, seen.get(i), "item " + i + " delivered " + seen.get(i) + " times");
        }
        assertEquals(0, raw.size(), "items left in the queue");
        assertTrue(killedOrTimedOut.get() > 0, "the churn killed or timed out no getter");
        assertNoGreenletLeft();
    }

    private static Void record(Integer v, AtomicIntegerArray seen, AtomicInteger received, AtomicBoolean done,
                               int n) {
        seen.incrementAndGet(v);
        if (received.incrementAndGet() == n) {
            done.set(true);
        }
        return null;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Event and AsyncResult: no lost wake-up

    @Test
    void eventAndAsyncResultWakeEveryWaiterOnEveryHubAndOutside() throws Exception {
        int rounds = 1000;
        List<Event> events = new ArrayList<>();
        List<AsyncResult<Integer>> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            events.add(new Event());
            results.add(new AsyncResult<>());
        }
        AtomicIntegerArray arrived = new AtomicIntegerArray(rounds);
        Runnable waiter = () -> {
            for (int r = 0; r < rounds; r++) {
                events.get(r).await();
                assertEquals(r, results.get(r).get());
                arrived.incrementAndGet(r);
            }
        };
        int waitersPerHub = 3;
        List<Greenlet<?>> gs = new ArrayList<>();
        for (int h = 0; h < HUBS; h++) {
            for (int w = 0; w < waitersPerHub; w++) {
                gs.add(hub(h).spawn(waiter));
            }
        }
        Thread t = outside("event-waiter", waiter);
        int waiters = HUBS * waitersPerHub + 1;
        // the setters move from hub to hub; each round sets the event and the result from different hubs, and
        // waits until every waiter arrived before the next (so each round's sets race with waiters parking)
        Greenlet<?> driver = hub(0).spawn(() -> {
            for (int r = 0; r < rounds; r++) {
                int round = r;
                Greenlet<?> a = hub(r).spawn(() -> events.get(round).set());
                Greenlet<?> b = hub(r + 1).spawn(() -> results.get(round).set(round));
                a.join();
                b.join();
                long deadline = System.nanoTime() + BOUND.toNanos();
                while (arrived.get(r) < waiters) {
                    assertTrue(System.nanoTime() < deadline, "round " + r + ": a waiter was never woken");
                    Gevent.sleep(0);
                }
            }
        });
        gs.add(driver);
        joinAllBounded(gs);
        driver.get();
        joinThread(t);
        for (int r = 0; r < rounds; r++) {
            assertEquals(waiters, arrived.get(r));
        }
        assertNoGreenletLeft();
    }

    // ---------------------------------------------------------------------------------------------------------
    // RLock and Semaphore: exclusion across hubs and threads, timed acquires, nothing left held

    @Test
    void rlockAndSemaphoreExcludeAcrossHubsAndThreads() throws Exception {
        RLock lock = new RLock();
        Semaphore sem = new Semaphore(3);
        int[] counter = {0}; // guarded by lock only
        AtomicInteger inSem = new AtomicInteger();
        AtomicInteger maxInSem = new AtomicInteger();
        AtomicInteger increments = new AtomicInteger();
        int iterations = 200;
        Runnable worker = () -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            for (int i = 0; i < iterations; i++) {
                boolean timed = rnd.nextInt(4) == 0;
                boolean got = timed ? lock.acquire(Duration.ofNanos(rnd.nextLong(1, 200_000))) : lock.acquire() != null;
                if (got) {
                    lock.acquire(); // re-entrant
                    try {
                        int v = counter[0];
                        Gevent.sleep(0); // a yield while holding: other hubs and threads must still be kept out
                        counter[0] = v + 1;
                        increments.incrementAndGet();
                    } finally {
                        lock.release();
                        lock.release();
                    }
                }
                if (sem.acquire(Duration.ofSeconds(10))) {
                    try {
                        int now = inSem.incrementAndGet();
                        maxInSem.accumulateAndGet(now, Math::max);
                        Gevent.sleep(0);
                        inSem.decrementAndGet();
                    } finally {
                        sem.release();
                    }
                }
            }
        };
        List<Greenlet<?>> gs = new ArrayList<>();
        for (int h = 0; h < HUBS; h++) {
            for (int w = 0; w < 3; w++) {
                gs.add(hub(h).spawn(worker));
            }
        }
        List<Thread> ts = List.of(outside("lock-1", worker), outside("lock-2", worker));
        joinAllBounded(gs);
        for (Thread t : ts) {
            joinThread(t);
        }
        for (Greenlet<?> g : gs) {
            assertTrue(g.isSuccessful(), () -> g + " failed: " + g.exception());
        }
        assertEquals(increments.get(), counter[0], "a lost update: two holders at once");
        assertTrue(increments.get() > 0);
        assertTrue(maxInSem.get() <= 3, "semaphore let " + maxInSem.get() + " in");
        assertFalse(lock.isLocked());
        assertEquals(3, sem.availablePermits());
        assertEquals(0, sem.queueLength());
        assertNoGreenletLeft();
    }

    @Test
    void aGreenletBlockedOnALockHeldByAThreadIsKilledFromAnotherHubAndTheLockStaysUsable() throws Exception {
        RLock lock = new RLock();
        Event held = new Event();
        Event letGo = new Event();
        Thread owner = outside("owner", () -> {
            lock.acquire();
            held.set();
            letGo.await();
            lock.release();
        });
        held.await();
        Greenlet<?> blocked = hub(1).spawn(() -> lock.acquire());
        Greenlet<Boolean> timedOut = hub(2).spawn(() -> {
            try (Timeout t = Timeout.start(Duration.ofMillis(20))) {
                lock.acquire();
                return false;
            } catch (Timeout e) {
                return true;
            }
        });
        assertTrue(timedOut.get(), "Timeout around acquire on hub 2 did not fire");
        Greenlet<?> killer = hub(3).spawn(() -> {
            while (!blocked.isStarted()) {
                Gevent.sleep(1);
            }
            blocked.kill();
        });
        killer.join(BOUND);
        assertTrue(blocked.isDead());
        assertTrue(blocked.value() instanceof GreenletExit, String.valueOf(blocked.value()));
        letGo.set();
        joinThread(owner);
        assertTrue(hub(0).spawn(() -> {
            boolean ok = lock.acquire(Duration.ofSeconds(5));
            lock.release();
            return ok;
        }).get());
        assertFalse(lock.isLocked());
        assertNoGreenletLeft();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Pool, joinAll, killAll, Timeout across hubs

    @Test
    void aPoolFilledFromEveryHubAndAThreadNeverExceedsItsSize() throws Exception {
        Pool pool = new Pool(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        AtomicInteger ran = new AtomicInteger();
        int perSpawner = 60;
        Runnable spawner = () -> {
            for (int i = 0; i < perSpawner; i++) {
                pool.spawn(() -> {
                    int now = running.incrementAndGet();
                    max.accumulateAndGet(now, Math::max);
                    Gevent.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(100_000)));
                    running.decrementAndGet();
                    ran.incrementAndGet();
                });
            }
        };
        List<Greenlet<?>> spawners = new ArrayList<>();
        for (int h = 0; h < HUBS; h++) {
            spawners.add(hub(h).spawn(spawner));
        }
        Thread t = outside("pool-spawner", spawner);
        joinAllBounded(spawners);
        joinThread(t);
        assertTrue(pool.join(BOUND), "pool.join from outside did not see the pool empty");
        assertEquals((HUBS + 1) * perSpawner, ran.get());
        assertTrue(max.get() <= 4, "pool ran " + max.get() + " at once");
        assertEquals(0, pool.size());
        assertEquals(4, pool.freeCount());
        // the default hub got the outside spawner's greenlets: they are done too
        assertEquals(0, Hub.getDefault().snapshotStats().liveGreenlets());
        assertNoGreenletLeft();
    }

    @Test
    void joinAllAndKillAllFromAGreenletOverEveryHub() throws Exception {
        List<Greenlet<?>> workers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            int ms = i % 5;
            workers.add(group.spawn(() -> Gevent.sleep(ms)));
        }
        List<Greenlet<?>> sleepers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sleepers.add(group.spawn(() -> Gevent.sleep(600_000)));
        }
        Greenlet<Integer> boss = hub(0).spawn(() -> {
            int joined = Gevent.joinAll(workers, BOUND).size();
            Gevent.killAll(sleepers);
            return joined;
        });
        assertEquals(40, boss.get());
        for (Greenlet<?> s : sleepers) {
            assertTrue(s.isDead());
            assertTrue(s.value() instanceof GreenletExit);
        }
        long hubsUsed = sleepers.stream().map(Greenlet::getHub).distinct().count();
        assertEquals(HUBS, hubsUsed);
        assertNoGreenletLeft();
    }

    @Test
    void timeoutsRaceWithSetsFromOtherHubsAndExactlyOneWins() throws Exception {
        int n = 2000;
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        List<Greenlet<?>> gs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = new Event();
            long nanos = ThreadLocalRandom.current().nextLong(1, 500_000);
            gs.add(hub(i).spawn(() -> {
                try (Timeout t = Timeout.start(Duration.ofNanos(nanos))) {
                    e.await();
                    woken.incrementAndGet();
                } catch (Timeout x) {
                    timedOut.incrementAndGet();
                }
            }));
            gs.add(hub(i + 1).spawn(() -> {
                Gevent.sleep(Duration.ofNanos(nanos));
                e.set();
            }));
        }
        joinAllBounded(gs);
        assertEquals(n, woken.get() + timedOut.get());
        for (Greenlet<?> g : gs) {
            assertTrue(g.isSuccessful(), () -> g + " failed: " + g.exception());
        }
        assertNoGreenletLeft();
    }
}
