package dev.gevent4j.io;

import dev.gevent4j.Hub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test class whose every test gets a hub of its own, {@link #hub}: created before the test, closed after it.
 * JUnit runs a subclass's own {@code @AfterEach} methods first, so the servers and processes a test class closes
 * there are closed while the hub still runs.
 *
 * <pre>{@code
 * @Timeout(60)
 * class EchoTest extends HubPerTest {
 *     @Test
 *     void echoes() throws Exception {
 *         assertEquals("hi", hub.spawn(() -> "hi").get());
 *     }
 * }
 * }</pre>
 *
 * <p>Timeout, interrupt and kill: nothing here waits; closing the hub ends the greenlets a test left on it, and the
 * subclass's {@code @Timeout} bounds the test itself.
 */
abstract class HubPerTest {
    /** This test's hub. */
    Hub hub;

    @BeforeEach
    final void createHub() {
        hub = Hub.create();
    }

    @AfterEach
    final void closeHub() {
        hub.close();
    }
}
