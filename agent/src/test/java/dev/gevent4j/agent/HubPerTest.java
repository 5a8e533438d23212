package dev.gevent4j.agent;

/**
 * The runtime's {@link dev.gevent4j.testing.HubPerTest} (from its test jar) under the name the agent's tests extend:
 * a hub per test, closed after it, and {@code ticker}. No code of its own.
 */
abstract class HubPerTest extends dev.gevent4j.testing.HubPerTest {
}
