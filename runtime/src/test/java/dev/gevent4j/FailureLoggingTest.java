package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An exception that ends a greenlet is logged exactly once; a kill is not an error and is not logged. */
@Timeout(30)
class FailureLoggingTest {

    @Test
    void failuresAreLoggedOnceAndKillsNotAtAll() {
        Logger jul = Logger.getLogger("dev.gevent4j");
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        try (Hub hub = Hub.create()) {
            RuntimeException boom = new RuntimeException("logged once (expected in this test)");
            Greenlet<Object> failing = hub.spawn(() -> {
                throw boom;
            });
            failing.join();
            Greenlet<Object> killed = hub.spawn(() -> {
                Gevent.sleep(60_000);
                return null;
            });
            hub.spawn(() -> { }).join();
            killed.kill();
            hub.spawn(() -> { }).join();
            List<LogRecord> about = records.stream().filter(r -> r.getThrown() != null).toList();
            assertEquals(1, about.size(), about.toString());
            assertSame(boom, about.get(0).getThrown());
        } finally {
            jul.removeHandler(h);
        }
    }
}
