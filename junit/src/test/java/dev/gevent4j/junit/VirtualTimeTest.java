package dev.gevent4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.event.Event;
import dev.gevent4j.queue.Queue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class VirtualTimeTest {
    /**
     * Three greenlets, each waking at fixed multiples of {@code unit} after a common start (absolute deadlines, so
     * lateness does not accumulate in the real-time run) and logging "name@k". The wake-up times never coincide, so
     * the order of the log is the schedule's, whatever the clock.
     */
    static List<String> schedule(Hub hub, Duration unit, List<Long> virtualOffsets) {
        int[][] wakes = {{1, 4, 7, 10, 13, 16, 19}, {2, 5, 8, 11, 14, 17, 20}, {3, 6, 9, 12, 15, 18, 21}};
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        return hub.spawn(() -> {
            long start = hub.nanoTime();
            List<Greenlet<?>> gs = new ArrayList<>();
            for (int i = 0; i < wakes.length; i++) {
                String name = "g" + i;
                int[] ks = wakes[i];
                gs.add(Gevent.spawn(() -> {
                    for (int k : ks) {
                        long deadline = start + k * unit.toNanos();
                        Gevent.sleep(Duration.ofNanos(Math.max(0, deadline - hub.nanoTime())));
                        log.add(name + "@" + k);
                        virtualOffsets.add(hub.nanoTime() - start - k * unit.toNanos());
                    }
                }));
            }
            Gevent.joinAll(gs);
            return List.copyOf(log);
        }).get();
    }

    @Test
    void hoursOfSleepTakeNoWallTimeAndKeepTheRealTimeOrder() {
        List<Long> virtualLate = Collections.synchronizedList(new ArrayList<>());
        List<String> virtualOrder;
        long wallMs;
        try (Hub hub = Hub.builder().virtualTime(true).build()) {
            long t0 = System.nanoTime();
            // 3 greenlets x 7 wake-ups over 21 units of 10 minutes: 3.5 simulated hours, 10.5 hours of sleep in all
            virtualOrder = schedule(hub, Duration.ofMinutes(10), virtualLate);
            wallMs = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(hub.isVirtualTime());
        }
        assertTrue(wallMs < 1000, "3.5 virtual hours took " + wallMs + " ms of wall time");
        for (long late : virtualLate) {
            assertTrue(late >= 0 && late < 1_000_000, "each greenlet woke at its deadline on the virtual clock, "
                    + "not " + late + " ns after it");
        }
        List<String> realOrder;
        try (Hub hub = Hub.create()) {
            realOrder = schedule(hub, Duration.ofMillis(40), Collections.synchronizedList(new ArrayList<>()));
        }
        assertEquals(realOrder, virtualOrder, "the same events in the same order as in real time");
        assertEquals(21, virtualOrder.size());
    }

    /**
     * On the virtual clock a wait ends at its deadline, give or take the microsecond the clock advances per busy loop
     * pass (so that greenlets polling the clock with sleep(0) see it move).
     */
    private static void assertAbout(Duration expected, long actualNanos) {
        assertTrue(actualNanos >= expected.toNanos() && actualNanos - expected.toNanos() < 1_000_000,
                "expected " + expected + " on the virtual clock, got " + Duration.ofNanos(actualNanos));
    }

    @GeventTest(virtualTime = true)
    void sleepTimeoutAndCallLaterFollowTheVirtualClock(Hub hub) throws Exception {
        long t0 = System.nanoTime();
        long v0 = hub.nanoTime();
        Gevent.sleep(Duration.ofHours(1));
        assertAbout(Duration.ofHours(1), hub.nanoTime() - v0);

        // withTimeout and Timeout: an hour-long limit around a two-hour sleep
        long v1 = hub.nanoTime();
        assertEquals("timed out", Gevent.withTimeout(Duration.ofHours(1), () -> {
            Gevent.sleep(Duration.ofHours(2));
            return "slept";
        }, "timed out"));
        assertAbout(Duration.ofHours(1), hub.nanoTime() - v1);
        assertThrows(dev.gevent4j.Timeout.class, () -> {
            try (dev.gevent4j.Timeout t = dev.gevent4j.Timeout.start(Duration.ofMinutes(30))) {
                Gevent.sleep(Duration.ofHours(5));
            }
        });

        // callLater and callAt
        Event fired = new Event();
        AtomicLong firedAt = new AtomicLong();
        long v2 = hub.nanoTime();
        hub.callLater(Duration.ofMinutes(45), () -> {
            firedAt.set(hub.nanoTime());
            fired.set();
        });
        fired.await();
        assertAbout(Duration.ofMinutes(45), firedAt.get() - v2);
        Event at = new Event();
        java.time.Instant when = hub.instant().plus(Duration.ofDays(1));
        hub.callAt(when, at::set);
        at.await();
        assertFalse(hub.instant().isBefore(when), "callAt ran at or after its instant on the hub's wall clock");

        // join, joinAll, an event and a queue with timeouts, against greenlets that never finish in time
        Greenlet<Void> slow = Gevent.spawn(() -> Gevent.sleep(Duration.ofDays(7)));
        assertFalse(slow.join(Duration.ofHours(3)));
        assertTrue(Gevent.joinAll(List.of(slow), Duration.ofHours(2)).isEmpty());
        assertFalse(new Event().await(Duration.ofHours(1)));
        assertEquals(null, new Queue<String>().poll(1, java.util.concurrent.TimeUnit.HOURS));
        slow.kill();
        long wallMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(wallMs < 1000, "about 40 virtual hours took " + wallMs + " ms");
    }

    @GeventTest(virtualTime = true)
    void aGreenletWaitingForAnotherThreadKeepsTheClockReal(Hub hub) {
        long v0 = hub.nanoTime();
        long t0 = System.nanoTime();
        Greenlet<Void> sleeper = Gevent.spawn(() -> Gevent.sleep(Duration.ofHours(1)));
        Integer r = hub.threadPool().submit(() -> {
            Thread.sleep(200); // a pool thread: outside the hub, in real time
            return 7;
        }).get();
        long virtualMs = (hub.nanoTime() - v0) / 1_000_000;
        long realMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(7, r);
        assertFalse(sleeper.isDead(), "the hour did not pass while a greenlet waited for the pool thread");
        assertTrue(virtualMs >= 150 && virtualMs <= realMs + 1, "the clock moved with real time (it counts the time the hub waited): " + virtualMs
                + " ms virtual, " + realMs + " ms real");
        sleeper.join();
        assertTrue(hub.nanoTime() - v0 >= Duration.ofHours(1).toNanos(), "then it jumped to the sleeper's deadline");
    }
}
