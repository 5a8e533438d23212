package dev.gevent4j.juc;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A greenlet that parks in a JDK wait while it finishes (here: a slow log handler recording its failure) is still
 * live: the hub must not declare LoopExit to a thread joining a greenlet that joins it.
 */
@Timeout(30)
class ParkWhileFinishingTest {
    @Test
    void aFailingGreenletWhoseLogCallParksDoesNotCauseLoopExit() {
        Handler slow = new Handler() {
            @Override public void publish(LogRecord r) {
                try { Thread.sleep(50); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
            }
            @Override public void flush() {}
            @Override public void close() {}
        };
        Logger.getLogger("dev.gevent4j").addHandler(slow); // Thread.sleep parks the greenlet outside gevent4j's waits
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                Greenlet<Void> bad = Gevent.spawn(() -> { throw new IllegalStateException("fails"); });
                bad.join(); // join does not raise the failure
            }).get();
        } finally {
            Logger.getLogger("dev.gevent4j").removeHandler(slow);
        }
    }
}
