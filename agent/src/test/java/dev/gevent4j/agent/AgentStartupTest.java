package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.PlainApp;
import dev.gevent4j.agent.apps.WhichLoader;
import dev.gevent4j.internal.agent.PatchRegistryAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up of the real agent jar in child JVMs: options, warnings, output, one copy of the runtime, the agent's cache
 * of patched classes.
 */
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

    @Test
    void aSecondJvmTakesEveryPatchedClassFromTheCacheWithoutByteBuddysAdvice(@TempDir Path tmp) throws Exception {
        Path cache = privateDirectory(tmp.resolve("cache"));
        ChildJvm.Result first = runVerbose(cache, null);
        assertEveryPatchReported(first);
        assertTrue(files(cache, "gevent4j-boot-").size() == 1, files(cache, "").toString());
        List<Path> patched = files(cache, "patched-");
        for (String id : PatchRegistryAccess.ids()) {
            String className = id.substring(0, id.indexOf('#'));
            assertTrue(patched.stream().anyMatch(f -> f.getFileName().toString().contains("-" + className + "-")),
                    className + " in " + patched);
        }

        Path classLog = tmp.resolve("classes.txt");
        ChildJvm.Result second = runVerbose(cache, classLog);
        assertEveryPatchReported(second);
        assertEquals(first.stdout(), second.stdout());
        assertTrue(!Files.readString(classLog).contains("shaded.bytebuddy.asm.Advice "),
                "the second JVM must not need Byte Buddy's Advice: every class was in the cache");
    }

    @Test
    void aDamagedCacheFileIsNotUsedTheClassIsPatchedAgain(@TempDir Path tmp) throws Exception {
        Path cache = privateDirectory(tmp.resolve("cache"));
        assertEveryPatchReported(runVerbose(cache, null));
        for (Path f : files(cache, "patched-")) {
            byte[] b = Files.readAllBytes(f);
            b[b.length - 1] ^= 0x5a;
            Files.write(f, b);
        }
        Path classLog = tmp.resolve("classes.txt");
        ChildJvm.Result r = runVerbose(cache, classLog);
        assertEveryPatchReported(r);
        assertTrue(r.stdout().contains("end"), r.stdout());
        assertTrue(Files.readString(classLog).contains("shaded.bytebuddy.asm.Advice "),
                "damaged files must be redone with Byte Buddy, not loaded");
    }

    @Test
    void aCacheDirectoryThatOthersCanWriteIsNotUsed(@TempDir Path tmp) throws Exception {
        Path cache = Files.createDirectory(tmp.resolve("shared"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertEveryPatchReported(runVerbose(cache, null));
        assertEquals(List.of(), files(cache, ""));
    }

    @Test
    void withTheCacheOffEveryPatchIsAppliedAndNothingIsWritten(@TempDir Path tmp) throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-Dgevent4j.agent.cache=false", "-Duser.home=" + tmp,
                "-javaagent:" + ChildJvm.agentJar() + "=verbose=true"), List.of(), PlainApp.class.getName());
        assertEveryPatchReported(r);
        assertEquals(List.of(), files(tmp, ""));
    }

    private static ChildJvm.Result runVerbose(Path cache, Path classLog) throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Dgevent4j.agent.cache=" + cache,
                "-javaagent:" + ChildJvm.agentJar() + "=verbose=true"));
        if (classLog != null) {
            jvm.add(0, "-Xlog:class+load=info:file=" + classLog);
        }
        return ChildJvm.run(jvm, List.of(), PlainApp.class.getName());
    }

    private static void assertEveryPatchReported(ChildJvm.Result r) {
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(!r.stderr().contains("NOT patched"), r.stderr());
        for (String id : PatchRegistryAccess.ids()) {
            assertTrue(r.stderr().contains("gevent4j agent: patched " + id + "\n"), id + " in:\n" + r.stderr());
        }
    }

    private static Path privateDirectory(Path dir) throws IOException {
        return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
    }

    private static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        }
    }
}
