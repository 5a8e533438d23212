package dev.gevent4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded schedules find an order-dependent race that the default schedule hides, name the seed, and replay it
 * exactly; the corrected code passes every seed.
 */
@Timeout(120)
class SeededScheduleTest {
    /** The trace of the last run of each seed: who saw what, and when on the hub's clock (microseconds). */
    static final Map<Long, List<String>> TRACES = new ConcurrentHashMap<>();

    /**
     * One item in stock, two buyers: A comes after 10 ms, B after 12 ms. Each checks the stock, then pays (a 1 ms
     * round trip: a timer, so a yield), then takes the item: check-then-act across a yield. In the default schedule A
     * has taken the item (at 11 ms) before B looks (at 12 ms); a schedule where A's timers run late lets both see
     * the item.
     */
    static void sell(Hub hub, boolean checkAndTakeTogether) {
        int[] stock = {1};
        List<String> trace = new ArrayList<>();
        long start = hub.nanoTime();
        Greenlet<Void> a = Gevent.spawn(() -> buy("A", 10, stock, trace, hub, start, checkAndTakeTogether));
        Greenlet<Void> b = Gevent.spawn(() -> buy("B", 12, stock, trace, hub, start, checkAndTakeTogether));
        Gevent.joinAll(List.of(a, b));
        if (hub.seed() != null) {
            TRACES.put(hub.seed(), List.copyOf(trace));
        }
        assertEquals(0, stock[0], "the one item was sold " + (1 - stock[0]) + " times: " + trace);
    }

    private static void buy(String who, long afterMillis, int[] stock, List<String> trace, Hub hub, long start,
                            boolean checkAndTakeTogether) {
        Gevent.sleep(afterMillis);
        if (checkAndTakeTogether) {
            if (stock[0] > 0) {
                stock[0]--; // no yield between the check and the act
                trace.add(who + " took it @" + (hub.nanoTime() - start) / 1000);
                Gevent.sleep(1);
            }
            return;
        }
        if (stock[0] > 0) {
            trace.add(who + " sees " + stock[0] + " @" + (hub.nanoTime() - start) / 1000);
            Gevent.sleep(1); // pay: the other buyer may run meanwhile
            stock[0]--;
            trace.add(who + " took it @" + (hub.nanoTime() - start) / 1000);
        }
    }

    static class RacyFixture {
        @GeventTest(seeds = 100)
        void lastItemSoldOnce(Hub hub) {
            sell(hub, false);
        }
    }

    /**
     * Unseeded virtual time: the default schedule, deterministically (in real time, a late timer on a loaded machine
     * shows the race now and then: the flakiness that seeds turn into a replayable failure).
     */
    static class RacyUnseededFixture {
        @GeventTest(virtualTime = true)
        void virtualTime(Hub hub) {
            sell(hub, false);
        }
    }

    static class CorrectFixture {
        @GeventTest(seeds = 100)
        void lastItemSoldOnce(Hub hub) {
            sell(hub, true);
        }
    }

    @Test
    void theDefaultScheduleHidesTheRace() {
        Map<String, Throwable> r = Fixtures.run(RacyUnseededFixture.class);
        assertEquals(1, r.size());
        r.forEach((name, t) -> assertNull(t, name + " passed"));
    }

    @Test
    void aSeedFindsTheRaceNamesItselfAndReplaysExactly() {
        TRACES.clear();
        Map<String, Throwable> runs = Fixtures.run(RacyFixture.class);
        assertEquals(100, runs.size(), "one run per seed: " + runs.keySet());
        Map.Entry<String, Throwable> failed = runs.entrySet().stream().filter(e -> e.getValue() != null)
                .findFirst().orElse(null);
        assertNotNull(failed, "some seed out of 100 exposes the race");
        Throwable t = failed.getValue();
        assertTrue(t.getMessage().contains("sold 2 times"), t.getMessage());
        GeventExtension.SeededRunFailed named = null;
        for (Throwable s : t.getSuppressed()) {
            if (s instanceof GeventExtension.SeededRunFailed f) {
                named = f;
            }
        }
        assertNotNull(named, "the failure names its seed");
        long seed = named.seed();
        assertTrue(failed.getKey().contains("[seed = " + seed + "]"), failed.getKey());
        assertTrue(named.getMessage().contains("@GeventTest(seed = " + seed + ")"), named.getMessage());
        List<String> original = TRACES.get(seed);
        assertNotNull(original);

        for (int i = 0; i < 10; i++) {
            TRACES.remove(seed);
            System.setProperty(GeventExtension.SEED_PROPERTY, Long.toString(seed));
            Map<String, Throwable> replay;
            try {
                replay = Fixtures.run(RacyFixture.class);
            } finally {
                System.clearProperty(GeventExtension.SEED_PROPERTY);
            }
            assertEquals(1, replay.size(), "the property replays just that seed");
            Throwable again = replay.values().iterator().next();
            assertNotNull(again, "replay " + i + " fails too");
            assertEquals(t.getMessage(), again.getMessage(), "replay " + i + " fails the same way");
            assertEquals(original, TRACES.get(seed), "replay " + i + " has the same events at the same times");
        }
    }

    @Test
    void theCorrectCodePassesEverySeed() {
        Map<String, Throwable> runs = Fixtures.run(CorrectFixture.class);
        assertEquals(100, runs.size());
        runs.forEach((name, t) -> assertNull(t, name + " passed"));
    }
}
