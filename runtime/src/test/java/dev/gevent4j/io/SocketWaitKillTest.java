package dev.gevent4j.io;

import dev.gevent4j.testing.SocketWaitKillCases;

/** Issue 19 without the agent: the cases of {@link SocketWaitKillCases}. */
@org.junit.jupiter.api.Timeout(120) // JUnit's @Timeout, fully qualified
class SocketWaitKillTest extends SocketWaitKillCases {
}
