package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.MainAcceptEchoServer;
import example.echo.EchoLoadClient;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent's main path, as a new user tries it: an unmodified server whose {@code main} loops on
 * {@code ServerSocket.accept()} and starts a {@code new Thread} per connection, in its own JVM under the real agent,
 * loaded from this JVM with {@value #CONNECTIONS} connections x {@value #ROUNDS} rounds of 64-byte messages (every
 * byte checked by {@link EchoLoadClient}). A fresh server JVM per run, {@value #RUNS} runs, each bounded: a hang (a
 * start held for ever, a lost wake-up) fails the run by its timeout. After the client closes, the server's hubs
 * must come back to what an idle server holds: the accept loop only.
 *
 * <p>More runs: {@code -Dgevent4j.classic.runs=N}.
 */
@org.junit.jupiter.api.Timeout(value = 600, unit = TimeUnit.SECONDS) // JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares the name
class ClassicServerRepeatTest {
    static final int CONNECTIONS = 2_000;
    static final int ROUNDS = 20;
    static final int RUNS = 10;

    @ParameterizedTest(name = "main={0}")
    @ValueSource(booleans = {true, false})
    void mainAcceptLoopServerNeverHangs(boolean mainAsGreenlet) throws Exception {
        int runs = Integer.getInteger("gevent4j.classic.runs", mainAsGreenlet ? 3 : RUNS); // main=false is the default
        List<String> summaries = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            try (ServerJvm server = ServerJvm.start(List.of("-javaagent:" + ChildJvm.agentJar() + "=main="
                    + mainAsGreenlet), MainAcceptEchoServer.class, "1024")) {
                try (EchoLoadClient client = new EchoLoadClient()) {
                    client.connect(new InetSocketAddress("127.0.0.1", server.port()), CONNECTIONS, 60_000);
                    String summary = client.echoRounds(ROUNDS, 64, 30_000);
                    assertEquals(CONNECTIONS, client.size());
                    summaries.add("run " + run + ": " + summary);
                }
                // the client closed every connection: only the accept loop is left (main's greenlet with
                // main=true, nothing on the hub with main=false)
                int idle = mainAsGreenlet ? 1 : 0;
                ServerJvm.HubCounters h = server.awaitHubCounters(c -> c.greenlets() == idle && c.timers() == 0
                        && c.ioRegistrations() == idle, 30_000);
                assertEquals(idle, h.greenlets(), "greenlets left after the clients closed:\n" + h.dump());
                assertEquals(0, h.timers(), "timers left:\n" + h.dump());
                assertEquals(idle, h.ioRegistrations(), "IO registrations left:\n" + h.dump());
                assertTrue(server.isAlive(), "the server died");
            }
        }
        summaries.forEach(s -> System.out.println("[classic main=" + mainAsGreenlet + "] " + s));
    }
}
