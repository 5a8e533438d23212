package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without the JDK access greenlets need, the runtime fails at first use naming the exact flags (or the agent), and
 * never falls back to the JDK's default scheduler. Runs a real child JVM without the flags.
 */
@Timeout(60)
class AccessTest {

    /** The child JVM's program. */
    public static final class Child {
        public static void main(String[] args) {
            System.out.println(Gevent.run(() -> "ran on " + Thread.currentThread()));
        }
    }

    private static Process startChild(List<String> jvmFlags) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(java);
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static String output(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        return out;
    }

    @Test
    void withoutTheFlagsTheErrorNamesThem() throws Exception {
        Process p = startChild(List.of("--enable-native-access=ALL-UNNAMED"));
        String out = output(p);
        assertNotEquals(0, p.exitValue(), out);
        assertTrue(out.contains("--add-opens java.base/java.lang=ALL-UNNAMED"), out);
        assertTrue(out.contains("--add-exports java.base/jdk.internal.access=ALL-UNNAMED"), out);
        assertTrue(out.contains("-javaagent:gevent4j-agent.jar"), out);
        assertTrue(!out.contains("ran on"), out);
    }

    @Test
    void withTheFlagsItRunsOnAHub() throws Exception {
        Process p = startChild(List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED", "--add-exports",
                "java.base/jdk.internal.access=ALL-UNNAMED", "--enable-native-access=ALL-UNNAMED"));
        String out = output(p);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("ran on VirtualThread"), out);
        assertTrue(out.contains("gevent4j-hub-0"), out);
    }
}
