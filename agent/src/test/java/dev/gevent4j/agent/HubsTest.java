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
        assertEquals(spreadOver(2), runHubsApp("=hubs=2"));
    }

    @Test
    void byDefaultApplicationThreadsSpreadOverOneHubPerCore() throws Exception {
        int cores = Runtime.getRuntime().availableProcessors(); // the child JVM runs on the same machine
        assertEquals(cores == 1 ? ONE_HUB : spreadOver(Math.min(cores, 16)), runHubsApp(""));
    }

    @Test
    void withHubs1EveryApplicationThreadIsOnTheDefaultHub() throws Exception {
        assertEquals(ONE_HUB, runHubsApp("=hubs=1"));
    }

    /** HubsApp's output in a child JVM under the agent with {@code options} (e.g. "=hubs=2"); it must exit cleanly. */
    private static String runHubsApp(String options) throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of(ThreadsTest.QUIET_MONITOR,
                "-javaagent:" + ChildJvm.agentJar() + options), List.of(), HubsApp.class.getName());
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        return r.stdout();
    }

    private static String spreadOver(int hubs) {
        return """
                threads on virtual threads: 16
                hubs used: %d
                in the agent's hub group: 16
                echo: hello
                server and client on different hubs: true
                main ends
                """.formatted(hubs);
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
