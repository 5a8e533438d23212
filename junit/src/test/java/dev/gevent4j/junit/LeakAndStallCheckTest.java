package dev.gevent4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.event.Event;
import java.io.FileInputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The checks of {@link GeventTest}, seen from outside: fixture classes that fail on purpose, run by the launcher. */
@Timeout(60)
class LeakAndStallCheckTest {
    @Test
    void aFailingAssertionFailsTheTestAsItself() {
        Throwable t = Fixtures.run(FailingFixture.class).get("fails");
        assertInstanceOf(AssertionError.class, t);
        assertEquals("expected failure", t.getMessage());
    }

    @Test
    void aLeftoverGreenletFailsTheLeakCheckWithADump() {
        Map<String, Throwable> r = Fixtures.run(LeakFixture.class);
        Throwable t = r.get("leavesAGreenlet");
        assertNotNull(t, "the leak check failed the test");
        assertTrue(t.getMessage().contains("1 live greenlet(s)"), t.getMessage());
        assertTrue(t.getMessage().contains("Gevent.dump()"), t.getMessage());
        assertTrue(t.getMessage().contains("leftover"), "the dump names the greenlet: " + t.getMessage());
        Throwable timer = r.get("leavesATimer");
        assertNotNull(timer);
        assertTrue(timer.getMessage().contains("1 pending timer(s)"), timer.getMessage());
        assertNull(r.get("leakCheckOff"), "leakCheck = false lets it pass");
    }

    @Test
    void anFdLeftOpenFailsTheLeakCheck() {
        Throwable t = Fixtures.run(FdLeakFixture.class).get("leavesAnFd");
        assertNotNull(t);
        assertTrue(t.getMessage().contains("more open fd(s)") && t.getMessage().contains("/etc/hostname"),
                t.getMessage());
    }

    @Test
    void aHubStallFailsWithTheCulpritsStack() {
        Throwable t = Fixtures.run(StallFixture.class).get("spins");
        assertNotNull(t);
        assertTrue(t.getMessage().contains("stalled for"), t.getMessage());
        assertTrue(t.getMessage().contains("spinWithoutYielding"), "the culprit's stack: " + t.getMessage());
    }

    static class FailingFixture {
        @GeventTest
        void fails() {
            throw new AssertionError("expected failure");
        }
    }

    static class LeakFixture {
        @GeventTest
        void leavesAGreenlet() {
            Gevent.spawn(() -> Gevent.sleep(60_000)).setName("leftover");
            Gevent.sleep(0);
        }

        @GeventTest
        void leavesATimer(Hub hub) {
            hub.callLater(java.time.Duration.ofMinutes(1), () -> { });
        }

        @GeventTest(leakCheck = false)
        void leakCheckOff() {
            Gevent.spawn(() -> Gevent.sleep(60_000));
        }
    }

    static class FdLeakFixture {
        @GeventTest
        void leavesAnFd() throws Exception {
            new FileInputStream("/etc/hostname"); // not closed, on purpose
        }
    }

    static class StallFixture {
        @GeventTest(stallMillis = 300)
        void spins() {
            spinWithoutYielding(1500);
        }

        static void spinWithoutYielding(long millis) {
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
        }
    }
}
