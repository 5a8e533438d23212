package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.MainApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agent option {@code main}: with {@code main=true} the application's {@code main} runs as a greenlet
 * and behaves as the JVM's main thread does for the application: its name, non-daemon threads it creates, an
 * uncaught exception (the launcher's report, exit status 1), {@code System.exit} with shutdown hooks; with
 * {@code main=false} (the default) it stays on the JVM's main thread. Each case runs the real agent in a child JVM.
 */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS) // JUnit's @Timeout, fully qualified: dev.gevent4j.Timeout shares the name
class MainGreenletTest {
    private static final String COMMON = """
            a thread main creates is a daemon: false
            accepted, read 42
            """;

    private static ChildJvm.Result run(String options, String how) throws Exception {
        String agent = "-javaagent:" + ChildJvm.agentJar() + (options.isEmpty() ? "" : "=" + options);
        return ChildJvm.run(List.of(ThreadsTest.QUIET_MONITOR, agent), List.of(), MainApp.class.getName(), how);
    }

    @Test
    void mainRunsAsAGreenletAndItsNonDaemonThreadsKeepTheJvmAlive() throws Exception {
        ChildJvm.Result r = run("main=true", "return");
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        assertEquals("main: name=main virtual=true daemon=false\n" + COMMON
                + "main returns\nnon-daemon thread outlived main\n", r.stdout());
    }

    @Test
    void anUncaughtExceptionEndsTheJvmAsWithoutTheAgent() throws Exception {
        ChildJvm.Result r = run("main=true", "throw");
        assertEquals(1, r.exitCode());
        assertTrue(r.stderr().startsWith("Exception in thread \"main\" java.lang.IllegalStateException: boom from main"),
                r.stderr());
        assertTrue(r.stderr().contains("at " + MainApp.class.getName() + ".main("), r.stderr());
        assertEquals("main: name=main virtual=true daemon=false\n" + COMMON, r.stdout());
    }

    @Test
    void systemExitRunsTheShutdownHooksAndExitsWithItsStatus() throws Exception {
        ChildJvm.Result r = run("main=true", "exit");
        assertEquals(3, r.exitCode(), r.stderr());
        assertEquals("main: name=main virtual=true daemon=false\n" + COMMON + "shutdown hook ran\n", r.stdout());
    }

    @Test
    void byDefaultMainStaysOnTheJvmsMainThread() throws Exception {
        ChildJvm.Result r = run("", "return");
        assertEquals("", r.stderr());
        assertEquals(0, r.exitCode());
        assertEquals("main: name=main virtual=false daemon=false\n" + COMMON
                + "main returns\nnon-daemon thread outlived main\n", r.stdout());
    }

    @Test
    void theMainClassOfAJarRunsAsAGreenletToo(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("app.jar");
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, MainApp.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, Path.of(ChildJvm.testClasses()).toUri().toString());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
            out.flush();
        }
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.java(), "-javaagent:" + ChildJvm.agentJar() + "=main=true",
                "-jar",
                jar.toString(), "return");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt"); // apart: on a loaded machine the hub monitor may report a CPU pause there
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the -jar app did not end");
        } finally {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), Files.readString(out) + Files.readString(err));
        assertEquals("main: name=main virtual=true daemon=false\n" + COMMON
                + "main returns\nnon-daemon thread outlived main\n", Files.readString(out), Files.readString(err));
    }
}
