package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Greenlet spawn/end, hub stall and hub loop events, recorded to a JFR file and read back. */
@Timeout(60)
class JfrEventsTest {

    @Test
    void eventsAreRecordedAndReadBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gevent4j.jfr");
        try (Recording rec = new Recording(); Hub hub = Hub.create()) {
            rec.enable("dev.gevent4j.GreenletSpawn");
            rec.enable("dev.gevent4j.GreenletEnd");
            rec.enable("dev.gevent4j.HubStall");
            rec.enable("dev.gevent4j.HubLoop");
            rec.start();
            hub.spawn(() -> 1).setName("plain").join();
            hub.spawn(() -> {
                throw new IllegalStateException("recorded failure (expected in this test)");
            }).setName("failing").join();
            hub.spawn(() -> MonitorTest.spinFor(300)).setName("stalling").join();
            while (hub.loop.counters.stalls < 1) { // the monitor has reported the stall (and committed its event)
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            long t = HubMonitor.ticks;
            while (HubMonitor.ticks < t + 2) { // a full monitor period since: the loop pass is committed too
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            rec.stop();
            rec.dump(file);
        }
        assertTrue(Files.size(file) > 0);
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> spawns = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.gevent4j.GreenletSpawn")).toList();
        List<RecordedEvent> ends = events.stream()
                .filter(e -> e.getEventType().getName().equals("dev.gevent4j.GreenletEnd")).toList();
        assertTrue(spawns.size() >= 3, spawns.toString());
        RecordedEvent failing = ends.stream().filter(e -> "failing".equals(e.getString("greenlet"))).findFirst()
                .orElseThrow();
        assertEquals(false, failing.getBoolean("successful"));
        assertTrue(failing.getString("exception").contains("recorded failure"));
        RecordedEvent stall = events.stream().filter(e -> e.getEventType().getName().equals("dev.gevent4j.HubStall"))
                .findFirst().orElseThrow(() -> new AssertionError("no HubStall event in " + events.size()));
        assertEquals("stalling", stall.getString("greenlet"));
        assertTrue(stall.getString("stack").contains("spinFor"));
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("dev.gevent4j.HubLoop")
                && e.getLong("passDuration") >= 300_000_000L), "a 300 ms loop pass was recorded");
    }
}
