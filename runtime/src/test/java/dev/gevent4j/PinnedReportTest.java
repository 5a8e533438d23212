package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With {@code gevent4j.monitor.pinned=true} the monitor reports a greenlet the JDK pinned to its hub's thread (here:
 * parked inside a class initializer, which pins a virtual thread), with its stack. Runs a real child JVM, as the
 * setting starts an in-process JFR stream.
 */
@Timeout(120)
class PinnedReportTest {

    /** Parks in its static initializer: a virtual thread initializing it is pinned while it parks. */
    static final class SlowInit {
        static {
            LockSupport.parkNanos(200_000_000L);
        }

        static void touch() {}
    }

    /** The child JVM's program. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
            java.util.logging.Logger.getLogger("dev.gevent4j.monitor").addHandler(new java.util.logging.Handler() {
                @Override
                public void publish(java.util.logging.LogRecord r) {
                    if (r.getMessage().contains("pinned")) {
                        reported.countDown();
                    }
                }

                @Override
                public void flush() {}

                @Override
                public void close() {}
            });
            try (Hub hub = Hub.create()) {
                // the monitor's JFR stream starts on its own thread: wait until its recording runs
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings().stream()
                        .noneMatch(r -> r.getState() == jdk.jfr.RecordingState.RUNNING)
                        && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(5_000_000);
                }
                hub.spawn(SlowInit::touch).join();
                // JFR streams deliver about once a second: wait for the report itself
                System.out.println(reported.await(20, TimeUnit.SECONDS) ? "report seen" : "no report");
            }
            System.out.println("child done");
        }
    }

    @Test
    void pinnedGreenletsAreReported() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "--add-opens", "java.base/java.lang=ALL-UNNAMED",
                "--add-exports", "java.base/jdk.internal.access=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED",
                "-Dgevent4j.monitor.pinned=true", "-cp", System.getProperty("java.class.path"),
                Child.class.getName()));
        Path log = Files.createTempFile("pinned", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        Files.delete(log);
        assertTrue(exited, "the child JVM did not exit: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("child done"), out);
        assertTrue(out.contains("a greenlet was pinned for"), out);
        assertTrue(out.contains("SlowInit"), out);
    }
}
