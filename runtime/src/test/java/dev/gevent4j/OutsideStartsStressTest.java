package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.internal.Internals;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Greenlet starts from threads outside the hub are never lost and never run twice, while the hub flushes held
 * starts at the same time: four platform threads start {@value #DEFAULT_STARTS} greenlets in all, mixing held
 * spawns ({@link Hub#spawn}: held until the spawner blocks) with starts that are not held (the agent's path for an
 * application {@code Thread.start()}), and block now and then (a gevent4j wait flushes their held starts; a plain
 * {@code LockSupport} park lets the hub's backstop check see them blocked). Every greenlet marks its own slot; each
 * slot must be marked exactly once, and the hub must end with nothing held.
 *
 * <p>The long run: {@code mvn -pl runtime -am test -Dtest=OutsideStartsStressTest -Dgevent4j.starts=1000000
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(300)
class OutsideStartsStressTest {
    static final int DEFAULT_STARTS = 1_000_000;
    private static final int SPAWNERS = 4;

    @Test
    void everyStartFromOutsideRunsExactlyOnce() throws Exception {
        int total = Integer.getInteger("gevent4j.starts", DEFAULT_STARTS) / SPAWNERS * SPAWNERS;
        AtomicIntegerArray runs = new AtomicIntegerArray(total);
        CountDownLatch ran = new CountDownLatch(total);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Hub hub = Hub.create()) {
            List<Thread> spawners = new ArrayList<>();
            int per = total / SPAWNERS;
            for (int s = 0; s < SPAWNERS; s++) {
                int first = s * per;
                int kind = s;
                spawners.add(Thread.ofPlatform().name("spawner-" + s).start(() -> {
                    try {
                        for (int i = first; i < first + per; i++) {
                            int slot = i;
                            Runnable body = () -> {
                                runs.incrementAndGet(slot);
                                ran.countDown();
                            };
                            // spawners 0 and 1 hold their starts, 2 starts without a hold, 3 alternates
                            boolean held = kind < 2 || (kind == 3 && (i & 1) == 0);
                            if (held) {
                                hub.spawn(body);
                            } else {
                                Internals.startWithoutHold(new Greenlet<Void>(hub, body));
                            }
                            if (i % 4_096 == 0) {
                                if (kind == 0) {
                                    Gevent.sleep(0); // a gevent4j wait outside the hub: flushes the held starts
                                } else {
                                    LockSupport.parkNanos(50_000); // not runnable: the backstop check flushes
                                }
                            }
                        }
                    } catch (Throwable t) {
                        failure.compareAndSet(null, t);
                    }
                }));
            }
            for (Thread t : spawners) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError("a spawner failed", failure.get());
            }
            // Last, a held start from a thread that never blocks in a gevent4j wait: only the backstop check can
            // start it, and it must (a check flag left set with no check coming would hold it for ever).
            CountDownLatch last = new CountDownLatch(1);
            Thread.ofPlatform().name("last-spawner").start(() -> hub.spawn(last::countDown)).join();
            assertTrue(last.await(30, TimeUnit.SECONDS), "a held start of an ended spawner never ran; hub dump:\n"
                    + Gevent.dump());
            boolean all = ran.await(120, TimeUnit.SECONDS);
            long missing = ran.getCount();
            assertTrue(all, missing + " of " + total + " starts never ran; hub dump:\n" + Gevent.dump());
            for (int i = 0; i < total; i++) {
                if (runs.get(i) != 1) {
                    throw new AssertionError("greenlet " + i + " ran " + runs.get(i) + " times");
                }
            }
            assertEquals(0, hub.outsideStarts.heldCount(), "starts still held");
            Hub.Stats st = awaitIdle(hub);
            assertEquals(0, st.liveGreenlets(), "greenlets left: " + st);
        }
    }

    /** The hub's counters once every greenlet has ended and the backstop checks have run out. */
    private static Hub.Stats awaitIdle(Hub hub) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Hub.Stats st = hub.snapshotStats();
        while ((st.liveGreenlets() != 0 || st.timers() != 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.sleep(1); // polling a condition, bounded by the deadline
            st = hub.snapshotStats();
        }
        assertEquals(0, st.timers(), "timers left (a held-start check that never ended?): " + st);
        return st;
    }
}
