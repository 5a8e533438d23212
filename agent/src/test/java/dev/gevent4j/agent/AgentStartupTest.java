package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.PlainApp;
import dev.gevent4j.agent.apps.WhichLoader;
import dev.gevent4j.internal.agent.PatchRegistryAccess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Start-up of the real agent jar in child JVMs: options, warnings, output, one copy of the runtime. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentStartupTest {

    @Test
    void plainAppPrintsTheSameWithAndWithoutTheAgentAndTheAgentPrintsNothing() throws Exception {
        ChildJvm.Result without = ChildJvm.run(List.of(), List.of(), PlainApp.class.getName());
        ChildJvm.Result with = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar()), List.of(),
                PlainApp.class.getName());
        assertEquals(0, without.exitCode(), without.stderr());
        assertEquals(0, with.exitCode(), with.stderr());
        assertTrue(without.stdout().contains("end"), without.stdout());
        assertEquals(without.stdout(), with.stdout());
        assertEquals("", without.stderr());
        assertEquals("", with.stderr(), "the agent must print no warning at start-up");
    }

    @Test
    void unknownOptionIsAStartUpErrorListingTheValidOptions() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=threads=false,bogus=true"),
                List.of(), PlainApp.class.getName());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("unknown option 'bogus'"), r.stderr());
        assertTrue(r.stderr().contains("socket, sleep, park, dns, files, threads, main, verbose"), r.stderr());
        assertTrue(!r.stdout().contains("start"), "the app must not run: " + r.stdout());
    }

    @Test
    void badOptionValueIsAStartUpError() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=dns=maybe"),
                List.of(), PlainApp.class.getName());
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("dns=maybe is not valid: use dns=true or dns=false"), r.stderr());
    }

    @Test
    void verboseListsEveryRegistryEntryAsPatchedWithAllOptionsOn() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar() + "=files=true,verbose=true"),
                List.of(), PlainApp.class.getName());
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(!r.stderr().contains("NOT patched"), r.stderr());
        for (String id : PatchRegistryAccess.ids()) {
            assertTrue(r.stderr().contains("gevent4j agent: patched " + id + "\n"), id + " in:\n" + r.stderr());
        }
    }

    @Test
    void runtimeOnTheClassPathToo_oneCopyWins_theBootstrapOne() throws Exception {
        String runtimeJar = System.getProperty("gevent4j.runtime.jar");
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar()), List.of(runtimeJar),
                WhichLoader.class.getName());
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("Hub null\nNetty null\nMonkey.isAgentAttached true\nran in a greenlet\n", r.stdout());
        assertEquals("", r.stderr());
    }
}
