package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.HubsApp;
import dev.gevent4j.internal.agent.AgentOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The agent's hubs=N: application threads spread over a hub group (default: one hub per core); hubs=1 keeps the default hub. */
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS)
class HubsTest {
    @Test
    void withHubs2ApplicationThreadsSpreadOverTwoHubsAndTalkAcrossThem() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(ThreadsTest.QUIET_MONITOR,
                "-javaagent:" + ChildJvm.agentJar() + "=hubs=2"), List.of(), HubsApp.class.getName());
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        assertEquals("""
                threads on virtual threads: 16
                hubs used: 2
                in the agent's hub group: 16
                echo: hello
                server and client on different hubs: true
                main ends
                """, r.stdout());
    }

    @Test
    void byDefaultApplicationThreadsSpreadOverOneHubPerCore() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors(); // the child JVM runs on the same machine
        ChildJvm.Result r = ChildJvm.run(List.of(ThreadsTest.QUIET_MONITOR, "-javaagent:" + ChildJvm.agentJar()),
                List.of(), HubsApp.class.getName());
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        assertEquals(cores == 1 ? ONE_HUB : """
                threads on virtual threads: 16
                hubs used: %d
                in the agent's hub group: 16
                echo: hello
                server and client on different hubs: true
                main ends
                """.formatted(Math.min(cores, 16)), r.stdout());
    }

    @Test
    void withHubs1EveryApplicationThreadIsOnTheDefaultHub() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(ThreadsTest.QUIET_MONITOR,
                "-javaagent:" + ChildJvm.agentJar() + "=hubs=1"), List.of(), HubsApp.class.getName());
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        assertEquals(ONE_HUB, r.stdout());
    }

    private static final String ONE_HUB = """
            threads on virtual threads: 16
            hubs used: 1
            in the agent's hub group: 0
            echo: hello
            server and client on different hubs: false
            main ends
            """;

    @Test
    void badHubsValuesAreStartUpErrorsThatSayWhatIsAllowed() {
        assertEquals(Runtime.getRuntime().availableProcessors(), AgentOptions.parse("").number("hubs"));
        assertEquals(1, AgentOptions.parse("hubs=1").number("hubs"));
        assertEquals(3, AgentOptions.parse("threads=true,hubs=3").number("hubs"));
        assertEquals(Runtime.getRuntime().availableProcessors(), AgentOptions.parse("hubs=cores").number("hubs"));
        for (String bad : List.of("hubs=0", "hubs=-1", "hubs=4097", "hubs=two", "hubs")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse(bad));
            assertTrue(e.getMessage().contains("use hubs=N with N from 1 to 4096, or hubs=cores"), e.getMessage());
        }
    }
}
