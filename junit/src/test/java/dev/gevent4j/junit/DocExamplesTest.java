package dev.gevent4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.queue.Queue;
import java.time.Duration;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/testing.md, as they are written there. */
@Timeout(30)
class DocExamplesTest {
    @GeventTest
    void theConsumerSeesEveryItemInOrder(Hub hub) {
        Queue<Integer> q = new Queue<>(2);
        Greenlet<Integer> consumer = Gevent.spawn(() -> {
            int sum = 0;
            for (int i = 0; i < 5; i++) {
                sum = sum * 10 + q.take();
            }
            return sum;
        });
        for (int i = 1; i <= 5; i++) {
            q.put(i); // blocks this greenlet (the test) while the queue is full
        }
        assertEquals(12345, consumer.get());
    }

    @GeventTest(virtualTime = true)
    void aRetryLoopGivesUpAfterAnHour(Hub hub) throws Exception {
        long t0 = hub.nanoTime();
        String r = Gevent.withTimeout(Duration.ofHours(1), () -> {
            while (true) {
                Gevent.sleep(Duration.ofMinutes(5)); // retry every 5 minutes, never succeeds
            }
        }, "gave up");
        assertEquals("gave up", r);
        assertEquals(Duration.ofHours(1).toNanos(), hub.nanoTime() - t0, 1_000_000); // takes milliseconds of wall time
    }
}
