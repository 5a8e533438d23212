package dev.gevent4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.io.Sockets;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Seeds perturb the order in which the greenlets woken by one poll's IO readiness run: an order-dependent race
 * between two greenlets doing socket IO on 127.0.0.1 is found within 100 seeds, the failing seed replays the same
 * interleaving 10 times in a row, the correct code passes every seed, and without the IO perturbation (the timer
 * and outside-thread perturbations only) no seed finds it.
 *
 * <p>The scenario: one seat, two clients A and B, each with its own connection and a greenlet that serves it. Both
 * greenlets wait for their client's request; the test sends B's request, then A's, in the same slice of the test
 * greenlet, so one {@code epoll_wait} of the hub reports both sockets readable (B's first: the kernel's ready list is
 * in readiness order). Each server greenlet then checks whether the seat is free and takes it; A's handler yields
 * between the check and the act (a log line, a lookup: anything that lets the hub run another greenlet). In the
 * kernel's order B takes the seat before A looks, on every run. Only a schedule in which A's wake-up runs before B's,
 * with B ready during A's yield, lets both see the seat free — and only the IO perturbation (the seeded order of
 * one poll's IO wake-ups, and their seeded deferral by a few passes) produces such a schedule: no timer lies between
 * the two reads and the claims, and no other thread wakes either greenlet. So with {@code perturbIo = false} the
 * search finds nothing, by construction (asserted below over the same 100 seeds).
 */
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(180)
class SeededIoScheduleTest {
    /** The trace of the last run of each seed: who did what, in order. */
    static final Map<Long, List<String>> TRACES = new ConcurrentHashMap<>();

    /** One client connection: the client's end (the test writes to it) and the server's end (a greenlet reads it). */
    record Line(Socket client, Socket server) {
        void close() throws IOException {
            try {
                client.close();
            } finally {
                server.close();
            }
        }
    }

    /**
     * Opens two connected lines on 127.0.0.1 with {@link Sockets}, on a pool thread: the set-up makes no IO wait on
     * the seeded hub, so the seeded choices before the race are the same on every run (exact replay).
     */
    static List<Line> openLines() throws IOException {
        List<Line> lines = new ArrayList<>();
        try (ServerSocket ss = Sockets.listen(new InetSocketAddress("127.0.0.1", 0))) {
            for (int i = 0; i < 2; i++) {
                Socket c = Sockets.connect(ss.getLocalSocketAddress());
                Socket s;
                try {
                    s = ss.accept();
                } catch (IOException e) {
                    c.close();
                    throw e;
                }
                lines.add(new Line(c, s));
            }
        } catch (IOException | RuntimeException e) {
            for (Line l : lines) {
                l.close();
            }
            throw e;
        }
        return lines;
    }

    static void bookTheLastSeat(Hub hub, boolean checkAndTakeTogether) throws Exception {
        List<Line> lines = hub.threadPool().apply(SeededIoScheduleTest::openLines);
        Line a = lines.get(0);
        Line b = lines.get(1);
        List<String> trace = new ArrayList<>();
        List<String> takers = new ArrayList<>();
        try {
            Greenlet<Void> ga = Gevent.spawn(() -> serve("A", a.server(), trace, takers, !checkAndTakeTogether));
            Greenlet<Void> gb = Gevent.spawn(() -> serve("B", b.server(), trace, takers, false));
            // A and B run first (they are ahead of this greenlet's timer), park in their reads and get their sockets
            // registered with the hub's epoll; the registration's own readiness edges are polled and consumed in the
            // busy passes that follow (microseconds of virtual time). A timer of 1 ms + jitter cannot fire before
            // those passes: when it fires, both greenlets are parked in their reads and nothing else is pending.
            Gevent.sleep(1);
            b.client().getOutputStream().write('b'); // B's request first: the kernel reports B's socket first
            a.client().getOutputStream().write('a');
            Gevent.joinAll(List.of(ga, gb));
        } finally {
            a.close();
            b.close();
        }
        if (hub.seed() != null) {
            TRACES.put(hub.seed(), List.copyOf(trace));
        }
        assertEquals(1, takers.size(), "the last seat was taken by " + takers + ": " + trace);
    }

    private static Void serve(String who, Socket s, List<String> trace, List<String> takers,
                              boolean yieldBetweenCheckAndAct) throws IOException {
        int request = s.getInputStream().read(); // parks until the hub polls this socket readable
        trace.add(who + " read " + (char) request);
        if (takers.isEmpty()) {
            trace.add(who + " sees the seat free");
            if (yieldBetweenCheckAndAct) {
                Gevent.sleep(Duration.ZERO); // the window: another ready greenlet runs here
            }
            takers.add(who);
            trace.add(who + " took the seat");
        } else {
            trace.add(who + " sees the seat taken");
        }
        return null;
    }

    static class RacyFixture {
        @GeventTest(seeds = 100)
        void lastSeatTakenOnce(Hub hub) throws Exception {
            bookTheLastSeat(hub, false);
        }
    }

    /** The same search with the timer and outside-thread perturbations only. */
    static class RacyWithoutIoPerturbationFixture {
        @GeventTest(seeds = 100, perturbIo = false)
        void lastSeatTakenOnce(Hub hub) throws Exception {
            bookTheLastSeat(hub, false);
        }
    }

    static class RacyUnseededFixture {
        @GeventTest(virtualTime = true)
        void lastSeatTakenOnce(Hub hub) throws Exception {
            bookTheLastSeat(hub, false);
        }
    }

    static class CorrectFixture {
        @GeventTest(seeds = 100)
        void lastSeatTakenOnce(Hub hub) throws Exception {
            bookTheLastSeat(hub, true);
        }
    }

    @Test
    void theKernelsOrderHidesTheRace() {
        Map<String, Throwable> r = Fixtures.run(RacyUnseededFixture.class);
        assertEquals(1, r.size());
        r.forEach((name, t) -> assertNull(t, name + " passed"));
    }

    @Test
    void withoutTheIoPerturbationNoSeedFindsIt() {
        Map<String, Throwable> runs = Fixtures.run(RacyWithoutIoPerturbationFixture.class);
        assertEquals(100, runs.size());
        runs.forEach((name, t) -> assertNull(t, name + " passed"));
    }

    @Test
    void aSeedFindsTheRaceAndReplaysItExactly() {
        TRACES.clear();
        Map<String, Throwable> runs = Fixtures.run(RacyFixture.class);
        assertEquals(100, runs.size(), "one run per seed: " + runs.keySet());
        List<Map.Entry<String, Throwable>> failed = runs.entrySet().stream().filter(e -> e.getValue() != null)
                .toList();
        assertTrue(!failed.isEmpty(), "some seed out of 100 exposes the race");
        Throwable t = failed.get(0).getValue();
        assertTrue(t.getMessage().contains("taken by [A, B]") || t.getMessage().contains("taken by [B, A]"),
                t.getMessage());
        GeventExtension.SeededRunFailed named = null;
        for (Throwable s : t.getSuppressed()) {
            if (s instanceof GeventExtension.SeededRunFailed f) {
                named = f;
            }
        }
        assertNotNull(named, "the failure names its seed");
        long seed = named.seed();
        assertTrue(failed.get(0).getKey().contains("[seed = " + seed + "]"), failed.get(0).getKey());
        List<String> original = TRACES.get(seed);
        assertNotNull(original);
        assertEquals(List.of("A read a", "A sees the seat free"), original.subList(0, 2),
                "A's wake-up ran first: " + original);

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
            assertNotNull(again, "replay " + i + " of seed " + seed + " fails too");
            assertEquals(t.getMessage(), again.getMessage(), "replay " + i + " fails the same way");
            assertEquals(original, TRACES.get(seed), "replay " + i + " has the same interleaving");
        }
        System.err.println("SeededIoScheduleTest: " + failed.size() + " of 100 seeds expose the race; seed " + seed
                + " replayed 10 times: " + original);
    }

    @Test
    void theCorrectCodePassesEverySeed() {
        Map<String, Throwable> runs = Fixtures.run(CorrectFixture.class);
        assertEquals(100, runs.size());
        runs.forEach((name, t) -> assertNull(t, name + " passed"));
    }
}
