package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The monitor reports a hub stalled by a greenlet that does not yield: once per stall, with its stack. */
@Timeout(60)
class MonitorTest {
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Logger jul = Logger.getLogger("dev.gevent4j.monitor");
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void listen() {
        jul.addHandler(handler);
    }

    @AfterEach
    void stopListening() {
        jul.removeHandler(handler);
    }

    static void spinFor(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private List<String> stallReports(Hub hub) {
        return records.stream().map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters()))
                .filter(m -> m.contains("hub " + hub.getName() + " has not returned")).toList();
    }

    @Test
    void garbageCollectionPausesDoNotCountTowardsAStall() {
        assertEquals(50_000_000L, HubMonitor.ownStallNanos(300_000_000L, 250));
        assertEquals(0L, HubMonitor.ownStallNanos(100_000_000L, 250), "never negative");
        assertEquals(300_000_000L, HubMonitor.ownStallNanos(300_000_000L, 0));
        long before = HubMonitor.gcPauseMillis();
        for (int i = 0; i < 200 && HubMonitor.gcPauseMillis() == before; i++) {
            System.gc(); // a full, stop-the-world collection with the JDK's collectors
        }
        assertTrue(HubMonitor.gcPauseMillis() > before, "the collectors' pause time is read");
    }

    @Test
    void aGreenletSpinningFor500msIsReportedWithinOneSecondWithItsStack() throws Exception {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> spinner = hub.spawn(() -> {
                spinFor(500);
                return null;
            }).setName("spinner");
            long t0 = System.nanoTime();
            while (stallReports(hub).isEmpty() && System.nanoTime() - t0 < 1_000_000_000L) {
                Thread.sleep(5);
            }
            long seenAfterMs = (System.nanoTime() - t0) / 1_000_000;
            List<String> reports = stallReports(hub);
            assertEquals(1, reports.size(), "reported within 1 s (waited " + seenAfterMs + " ms): " + records);
            String r = reports.get(0);
            assertTrue(r.contains("greenlet spinner"), r);
            assertTrue(r.contains("MonitorTest.spinFor"), r);
            spinner.join();
            hub.spawn(() -> { }).join();
            assertEquals(1, stallReports(hub).size(), "one report per stall");

            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName("dev.gevent4j:type=Hub,name=" + ObjectName.quote(hub.getName()));
            long longest = (Long) server.getAttribute(name, "LongestStallMillis");
            assertTrue(longest >= 100, "longest stall " + longest);
            assertEquals(1L, server.getAttribute(name, "Stalls"));
        }
    }

    @Test
    void lazyJmxRegistersTheHubInTheBackgroundAndCloseUnregistersIt() throws Exception {
        System.setProperty(Config.JMX, "lazy");
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            ObjectName name;
            try (Hub hub = Hub.create()) {
                name = new ObjectName("dev.gevent4j:type=Hub,name=" + ObjectName.quote(hub.getName()));
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (!server.isRegistered(name)) { // registered by a background thread: wait for that condition
                    assertTrue(System.nanoTime() < deadline, "lazy registration of " + name);
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
                assertEquals(0L, server.getAttribute(name, "Stalls"));
            }
            assertTrue(!server.isRegistered(name), "unregistered on close");
        } finally {
            System.clearProperty(Config.JMX);
        }
    }

    /** Opened by the test; the class initializer below waits for it. */
    static final java.util.concurrent.CountDownLatch INIT_GATE = new java.util.concurrent.CountDownLatch(1);

    /** A class whose static initializer blocks: a greenlet that first touches it is pinned while it waits. */
    static final class BlockingInit {
        static final int VALUE;

        static {
            try {
                INIT_GATE.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            VALUE = 42;
        }
    }

    @Test
    void aGreenletPinnedInAClassInitializerIsReportedAsPinnedNotAsRunning() throws Exception {
        try (Hub hub = Hub.create()) {
            Greenlet<Integer> pinned = hub.spawn(() -> BlockingInit.VALUE).setName("initializer");
            try {
                long t0 = System.nanoTime();
                while (stallReports(hub).isEmpty() && System.nanoTime() - t0 < 5_000_000_000L) {
                    Thread.sleep(5);
                }
                List<String> reports = stallReports(hub);
                assertEquals(1, reports.size(), records.toString());
                String r = reports.get(0);
                assertTrue(r.contains("greenlet initializer is pinned to the hub thread"), r);
                assertTrue(r.contains("WAITING wait"), r);
                assertTrue(r.contains("BlockingInit.<clinit>"), r);
            } finally {
                INIT_GATE.countDown(); // a waker outside the hub: the pinned park ends and the hub runs again
            }
            assertEquals(42, pinned.get());
            assertEquals(7, hub.spawn(() -> 7).get(), "the hub runs again");
        }
    }

    @Test
    void busyButYieldingHubsAndIdleHubsAreNotReported() throws Exception {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                long end = System.nanoTime() + 400_000_000L;
                while (System.nanoTime() < end) {
                    spinFor(1);
                    Gevent.sleep(0);
                }
            }).join();
            hub.spawn(() -> Gevent.sleep(300)).join();
            assertTrue(stallReports(hub).isEmpty(), records.toString());
        }
    }
}
