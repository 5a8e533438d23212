package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.agent.apps.NativeWaitApp;
import dev.gevent4j.agent.apps.ThreadKindsApp;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * threads=true's choice of greenlet or platform thread, in child JVMs under the agent (issue #14): threads started by
 * JDK code inside a converted application thread are the application's (the JDK HttpServer's pool); Netty's threads
 * in any shading and threads named by {@code platformThreads} stay platform threads; and the monitor's stall report
 * names {@code platformThreads} when a converted thread holds the hub in a native wait.
 */
@org.junit.jupiter.api.Timeout(value = 120, unit = TimeUnit.SECONDS) // JUnit's @Timeout, fully qualified
class ThreadKindsTest {
    @Test
    void jdkStartsInsideApplicationThreadsAreGreenlets_nettyAndNamedThreadsStayPlatformThreads() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar()
                + "=platformThreads=native-loop-*|*$NativeLoopThread"), List.of(), ThreadKindsApp.class.getName());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertEquals("""
                jdk-httpserver-worker virtual=true
                jdk-started-in-application-thread virtual=true
                shaded-netty-thread-class virtual=false
                started-by-shaded-netty virtual=false
                named-by-option virtual=false
                class-by-option virtual=false
                not-named virtual=true
                """, r.stdout(), r.stderr());
    }

    @Test
    void withoutTheOptionTheNamedThreadsAreGreenlets() throws Exception {
        ChildJvm.Result r = ChildJvm.run(List.of("-javaagent:" + ChildJvm.agentJar()), List.of(),
                ThreadKindsApp.class.getName());
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
        assertTrue(r.stdout().contains("named-by-option virtual=true\n"), r.stdout());
        assertTrue(r.stdout().contains("class-by-option virtual=true\n"), r.stdout());
        assertTrue(r.stdout().contains("shaded-netty-thread-class virtual=false\n"), r.stdout());
    }

    @Test
    void aConvertedThreadInANativeWaitIsReportedWithThePlatformThreadsOption() throws Exception {
        nativeWaitIsReported("platformThreads=stdin-loop-*", "greenlet stdin-loop-1 is in native code");
    }

    @Test
    void mainInANativeWaitIsReportedWithTheMainOption() throws Exception {
        nativeWaitIsReportedWith("main=true", "main=false", "greenlet main is in native code", "main");
    }

    private static void nativeWaitIsReported(String advice, String culprit, String... args) throws Exception {
        nativeWaitIsReportedWith("main=false", advice, culprit, args);
    }

    private static void nativeWaitIsReportedWith(String mainOption, String advice, String culprit, String... args)
            throws Exception {
        Process p = ChildJvm.builder(List.of("-javaagent:" + ChildJvm.agentJar() + "=files=false," + mainOption),
                List.of(), NativeWaitApp.class.getName(), args).start();
        try {
            ByteArrayOutputStream out = drain(p.getInputStream());
            ByteArrayOutputStream err = drain(p.getErrorStream());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!text(err).contains(advice) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20); // polling the child's stderr for the report, bounded by the deadline
            }
            String report = text(err);
            assertTrue(report.contains(advice), "no stall report naming " + advice + ":\n" + report + text(out));
            assertTrue(report.contains(culprit + " (java.io.FileInputStream.readBytes)"), report);
            try (OutputStream in = p.getOutputStream()) {
                in.write("hello\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the app did not end after its line: " + text(out));
            assertEquals(0, p.exitValue(), text(out) + report);
            assertEquals("virtual=true\ngot hello\n", text(out));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    @Test
    void namedByTheOptionTheSameThreadIsAPlatformThreadAndTheHubDoesNotStall() throws Exception {
        Process p = ChildJvm.builder(List.of("-javaagent:" + ChildJvm.agentJar()
                + "=files=false,platformThreads=stdin-loop-*"), List.of(), NativeWaitApp.class.getName()).start();
        try {
            ByteArrayOutputStream out = drain(p.getInputStream());
            ByteArrayOutputStream err = drain(p.getErrorStream());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!text(out).contains("virtual=") && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20); // polling the child's stdout, bounded by the deadline
            }
            try (OutputStream in = p.getOutputStream()) {
                in.write("hello\n".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the app did not end after its line: " + text(out));
            assertEquals(0, p.exitValue(), text(out) + text(err));
            assertEquals("virtual=false\ngot hello\n", text(out));
            assertFalse(text(err).contains("native code"), text(err));
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private static ByteArrayOutputStream drain(InputStream in) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Thread.ofPlatform().daemon().start(() -> {
            byte[] b = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(b)) > 0) {
                    synchronized (buf) {
                        buf.write(b, 0, n);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the process ended
            }
        });
        return buf;
    }

    private static String text(ByteArrayOutputStream buf) {
        synchronized (buf) {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }
}
