package dev.gevent4j.testing;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class whose every test gets a hub of its own, {@link #hub}: created before the test, closed after it.
 * JUnit runs a subclass's own {@code @AfterEach} methods first, so the servers and processes a test class closes
 * there are closed while the hub still runs. Shared by the runtime's tests and, through the runtime's test jar, the
 * agent's.
 *
 * <pre>{@code
 * @org.junit.jupiter.api.Timeout(60)
 * class PipeTest extends HubPerTest {
 *     @Test
 *     void otherGreenletsRunMeanwhile() throws Exception {
 *         Greenlet<String> reader = hub.spawn(() -> readPipe());
 *         AtomicInteger ticks = ticker(reader);
 *         reader.get();
 *         assertTrue(ticks.get() >= 10);
 *     }
 * }
 * }</pre>
 *
 * <p>Timeout, interrupt and kill: nothing here waits; closing the hub ends the greenlets a test left on it, and the
 * subclass's JUnit {@code @Timeout} bounds the test itself.
 */
public abstract class HubPerTest {
    /** This test's hub. */
    protected Hub hub;

    @BeforeEach
    final void createHub() {
        hub = Hub.create();
    }

    @AfterEach
    final void closeHub() {
        hub.close();
    }

    /**
     * Spawns a greenlet on {@link #hub} that ticks every 5 ms ({@code Thread.sleep}: a hub timer under the agent) until
     * {@code until} is dead; returns the tick counter. Ticks prove the hub kept running while {@code until} waited.
     */
    protected AtomicInteger ticker(Greenlet<?> until) {
        AtomicInteger ticks = new AtomicInteger();
        hub.spawn(() -> {
            while (!until.isDead()) {
                ticks.incrementAndGet();
                Thread.sleep(5);
            }
            return null;
        });
        return ticks;
    }
}
