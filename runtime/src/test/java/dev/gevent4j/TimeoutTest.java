package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

// JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares its simple name.
@org.junit.jupiter.api.Timeout(30)
class TimeoutTest {

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void timeoutIsRaisedInSleepJoinGetAndSwitch() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Greenlet<Object> forever = Gevent.spawn(() -> {
                    Gevent.sleep(60_000);
                    return null;
                });
                Runnable[] blockers = {
                    () -> Gevent.sleep(60_000),
                    forever::join,
                    forever::get,
                    () -> forever.switchTo("v"),
                };
                for (Runnable blocker : blockers) {
                    Timeout t = Timeout.start(ms(20));
                    try {
                        blocker.run();
                        fail("not timed out");
                    } catch (Timeout e) {
                        assertSame(t, e);
                        assertTrue(t.hasFired());
                    } finally {
                        t.cancel();
                    }
                }
                forever.kill();
                return null;
            }).get();
        }
    }

    @Test
    void timeoutOutsideAnyHubWorksForAPlatformThread() {
        Greenlet<Object> forever = Gevent.spawn(() -> {
            Gevent.sleep(60_000);
            return null;
        });
        try (Timeout t = Timeout.start(ms(20))) {
            Timeout e = assertThrows(Timeout.class, forever::join);
            assertSame(t, e);
        }
        forever.kill();
        assertTrue(forever.isDead());
    }

    @Test
    void nestedTimeoutsAreToldApartByIdentity() {
        try (Hub hub = Hub.create()) {
            String r = hub.spawn(() -> {
                try (Timeout outer = Timeout.start(ms(30))) {
                    try (Timeout inner = Timeout.start(ms(5_000))) {
                        Gevent.sleep(60_000);
                        return "no";
                    } catch (Timeout e) {
                        if (e.getDuration().toMillis() == 5_000) {
                            return "inner";
                        }
                        assertSame(outer, e);
                        return "outer";
                    }
                }
            }).get();
            assertEquals("outer", r);
        }
    }

    @Test
    void cancelledTimeoutNeverFires() {
        try (Hub hub = Hub.create()) {
            String r = hub.spawn(() -> {
                Timeout t = Timeout.start(ms(10));
                t.cancel();
                Gevent.sleep(50);
                assertFalse(t.hasFired());
                try (Timeout never = Timeout.start(null)) {
                    Gevent.sleep(20);
                    assertFalse(never.hasFired());
                }
                return "ok";
            }).get();
            assertEquals("ok", r);
        }
    }

    @Test
    void aTimeoutThatFiredWhileRunningIsRaisedAtTheNextBlockingPointUnlessClosed() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Timeout t = Timeout.start(Duration.ZERO);
                long until = System.nanoTime() + 20_000_000;
                // the timer fires on the hub's next pass, which only comes when we block
                Timeout e = assertThrows(Timeout.class, () -> Gevent.sleep(50));
                assertSame(t, e);
                assertTrue(System.nanoTime() < until + 1_000_000_000L);

                try (Timeout t2 = Timeout.start(Duration.ZERO)) {
                    Gevent.getCurrent(); // no blocking point: closing it drops the pending raise
                }
                Gevent.sleep(1); // not raised here
                return null;
            }).get();
        }
    }

    @Test
    void timeoutIsNotSwallowedByCatchException() {
        try (Hub hub = Hub.create()) {
            AtomicBoolean swallowed = new AtomicBoolean();
            hub.spawn(() -> {
                Timeout t = Timeout.start(ms(10));
                try {
                    try {
                        Gevent.sleep(60_000);
                    } catch (Exception e) {
                        swallowed.set(true);
                    }
                } catch (Timeout e) {
                    assertSame(t, e);
                }
                return null;
            }).get();
            assertFalse(swallowed.get());
        }
    }

    @Test
    void withTimeoutRaisesOrReturnsTheTimeoutValue() throws Exception {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                assertEquals("fast", Gevent.withTimeout(ms(1_000), () -> "fast"));
                assertEquals("dflt", Gevent.withTimeout(ms(10), () -> {
                    Gevent.sleep(60_000);
                    return "slow";
                }, "dflt"));
                assertThrows(Timeout.class, () -> Gevent.withTimeout(ms(10), () -> {
                    Gevent.sleep(60_000);
                    return "slow";
                }));
                return null;
            }).get();
        }
    }

    @Test
    void withTimeoutTurnsTheInterruptOfAJdkWaitIntoTheTimeout() throws Exception {
        try (Hub hub = Hub.create()) {
            CountDownLatch never = new CountDownLatch(1);
            String r = hub.spawn(() -> Gevent.withTimeout(ms(20), () -> {
                never.await();
                return "released";
            }, "timed out")).get();
            assertEquals("timed out", r);
            // the greenlet's interrupt status was cleared with the timeout
            assertFalse(hub.spawn(() -> Thread.currentThread().isInterrupted()).get());
        }
    }

    @Test
    void getWithDurationRaisesTimeout() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> slow = hub.spawn(() -> {
                Gevent.sleep(60_000);
                return null;
            });
            assertThrows(Timeout.class, () -> slow.get(ms(20)));
            assertFalse(slow.join(ms(10)));
            slow.kill();
        }
    }
}
