package dev.gevent4j.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Monkey;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The registry against the running JDK, in this JVM (the real agent attached by surefire, with threads=false):
 * every method exists, every enabled one is transformed, and Monkey reports it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PatchRegistryTest {

    @Test
    void everyRegistryMethodExistsOnThisJdk() {
        for (Patch p : PatchRegistry.ALL) {
            assertNull(PatchInstaller.missing(p), p.id());
        }
    }

    @Test
    void idsAreUnique() {
        assertEquals(PatchRegistry.ALL.size(), new HashSet<>(PatchRegistryAccess.ids()).size());
    }

    @Test
    void everyEnabledPatchIsTransformed() {
        assertTrue(Monkey.isAgentAttached());
        Map<String, Boolean> patches = Monkey.patches();
        assertEquals(PatchRegistry.ALL.size(), patches.size());
        for (Patch p : PatchRegistry.ALL) {
            boolean on = Monkey.options().get(p.option());
            assertEquals(on, patches.get(p.id()), p.id() + " (option " + p.option() + "=" + on + ")");
            if (on) {
                assertTrue(Monkey.isPatched(p.className(), p.method()), p.id());
            }
        }
        assertTrue(Monkey.isPatched("socket"));
        assertTrue(Monkey.isPatched("sleep"));
        assertEquals(false, Monkey.isPatched("threads"), "surefire runs this JVM with threads=false");
        for (Patch p : PatchRegistry.ALL) {
            assertTrue(!Monkey.skipped().containsKey(p.id()), Monkey.skipped().toString());
        }
    }

    @Test
    void unknownOptionNameInIsPatchedIsRejectedWithTheList() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Monkey.isPatched("sockets"));
        assertTrue(e.getMessage().contains("'sockets'") && e.getMessage().contains("socket"), e.getMessage());
    }

    @Test
    void aMissingJdkMethodIsReportedByName() {
        Patch noMethod = new Patch("sleep", "java.lang.Thread", "noSuchMethod", "()V", Object.class, "test");
        Patch noClass = new Patch("sleep", "java.lang.NoSuchClass", "run", "()V", Object.class, "test");
        Patch wrongDescriptor = new Patch("sleep", "sun.nio.ch.Poller", "poll", "(IJ)V", Object.class, "test");
        assertEquals("method noSuchMethod()V does not exist in java.lang.Thread", PatchInstaller.missing(noMethod));
        assertEquals("class java.lang.NoSuchClass does not exist", PatchInstaller.missing(noClass));
        assertNotNull(PatchInstaller.missing(wrongDescriptor));
    }

    @Test
    void aMissingJdkMethodIsReportedAtStartUpAndOnlyThatPatchIsSkipped() {
        Patch gone = new Patch("sleep", "java.lang.Thread", "removedByAJdkUpdate", "(J)V", Object.class, "test");
        Patch real = PatchRegistry.ALL.get(0);
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        Map<String, java.util.List<Patch>> kept = PatchInstaller.applicable(java.util.List.of(gone, real),
                AgentOptions.parse(""), new java.io.PrintStream(buf, true));
        assertEquals(Map.of(real.className(), java.util.List.of(real)), kept);
        String msg = buf.toString();
        assertTrue(msg.contains("method removedByAJdkUpdate(J)V does not exist in java.lang.Thread; skipping the "
                + "'sleep' patch of java.lang.Thread#removedByAJdkUpdate(J)V (the rest of the agent is active)"), msg);
        assertTrue(Monkey.skipped().containsKey(gone.id()));
    }

    @Test
    void optionsParse() {
        AgentOptions o = AgentOptions.parse("threads=false, dns ,verbose=false");
        assertEquals(false, o.enabled("threads"));
        assertEquals(true, o.enabled("dns"));
        assertEquals(true, o.enabled("socket"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AgentOptions.parse("x=1"));
        assertTrue(e.getMessage().contains("unknown option 'x'"), e.getMessage());
    }
}
