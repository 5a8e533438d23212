package dev.gevent4j.io;

import dev.gevent4j.testing.SocketWaitKillCases;

/**
 * Issue 19 with the real agent attached: the cases of {@link SocketWaitKillCases}, where the JDK's own channels
 * (socket, listener, datagram, pipe) also keep their wait on the hub, so a kill or Timeout leaves them open.
 */
@org.junit.jupiter.api.Timeout(120) // JUnit's @Timeout, fully qualified
class SocketWaitKillAgentTest extends SocketWaitKillCases {
}
