package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.internal.JdkAccess;
import dev.gevent4j.testing.HubPerTest;
import dev.gevent4j.testing.LeakCheck;
import dev.gevent4j.testing.OnHub;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A burst of 1,000 connections against a StreamServer in a child JVM limited to 128 open files: accepting fails
 * with EMFILE, the server pauses and recovers, and it serves normally afterwards.
 */
@ExtendWith(LeakCheck.class)
@Timeout(180)
class FdLimitBurstTest extends HubPerTest {
    @Test
    void burstUnderALowFdLimitThenServesAgain() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("prlimit", "--nofile=128:128", java));
        cmd.addAll(List.of(JdkAccess.REQUIRED_FLAGS.split(" ")));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.addAll(List.of("-Xss1m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                EchoServerChild.class.getName()));
        String[] report = OnHub.call(hub, () -> {
            try (Subprocess child = Subprocess.start(cmd)) {
                ByteArrayOutputStream err = new ByteArrayOutputStream();
                Greenlet<Void> drain = Gevent.spawn(() -> {
                    child.stderr().transferTo(err);
                    return null;
                });
                BufferedReader out = new BufferedReader(new InputStreamReader(child.stdout(), StandardCharsets.UTF_8));
                String first = out.readLine();
                assertTrue(first != null && first.startsWith("PORT "), "child said " + first + "; stderr: " + err);
                InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        Integer.parseInt(first.substring(5)));
                List<Greenlet<Boolean>> clients = new ArrayList<>();
                for (int i = 0; i < 1000; i++) {
                    int k = i;
                    clients.add(Gevent.spawn(() -> echo(addr, "burst " + k, 30_000)));
                }
                int ok = 0;
                for (Greenlet<Boolean> c : clients) {
                    ok += c.get() ? 1 : 0;
                }
                boolean after = echo(addr, "after the burst", 10_000);
                child.stdin().close();
                int code = child.waitFor(Duration.ofSeconds(30));
                drain.join();
                return new String[] {Integer.toString(ok), Boolean.toString(after), Integer.toString(code),
                        err.toString(StandardCharsets.UTF_8)};
            }
        });
        int ok = Integer.parseInt(report[0]);
        String stderr = report[3];
        assertTrue(stderr.contains("Too many open files"), "the fd limit was never hit; stderr: " + stderr);
        assertEquals("true", report[1], "the server did not serve after the burst; stderr: " + stderr);
        assertEquals("0", report[2], "the child did not exit cleanly; stderr: " + stderr);
        assertTrue(ok >= 900, "only " + ok + " of 1000 burst connections were served; stderr: " + stderr);
        System.out.println("fd-limit burst: " + ok + "/1000 served under --nofile=128, then served again");
    }

    private static boolean echo(InetSocketAddress addr, String line, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(addr, timeoutMs);
            s.setSoTimeout(timeoutMs);
            s.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            String back = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                    .readLine();
            return line.equals(back);
        } catch (IOException e) {
            return false;
        }
    }
}
