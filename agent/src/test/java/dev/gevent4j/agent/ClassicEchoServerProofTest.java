package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import example.echo.ClassicEchoServer;
import example.echo.EchoLoadClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof: the unmodified thread-per-connection {@link ClassicEchoServer} (no gevent4j import) holds
 * 5,000 concurrent connections under the agent with at most 16 live platform threads, echoing every byte; without
 * the agent the same app needs a platform thread per connection (checked with fewer connections). The load client
 * runs in this JVM (a separate process from the server), on one selector thread.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ClassicEchoServerProofTest {

    /** A running server JVM, driven through its stdin commands. */
    private static final class Server implements AutoCloseable {
        final Process process;
        final BufferedReader out;
        final OutputStream in;
        final int port;

        Server(boolean agent) throws IOException {
            List<String> jvm = agent ? List.of("-javaagent:" + ChildJvm.agentJar()) : List.of("-Xss256k");
            process = ChildJvm.builder(jvm, List.of(ChildJvm.locationOf(ClassicEchoServer.class)),
                    ClassicEchoServer.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = process.getOutputStream();
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("LISTENING "), "server said: " + line);
            port = Integer.parseInt(line.substring("LISTENING ".length()));
        }

        /** [open connections, live threads, peak threads]. */
        long[] stats() throws IOException {
            in.write("stats\n".getBytes(StandardCharsets.UTF_8));
            in.flush();
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("STATS "), "server said: " + line);
            String[] p = line.split(" ");
            return new long[] {Long.parseLong(p[1]), Long.parseLong(p[2]), Long.parseLong(p[3])};
        }

        long[] statsWhenOpen(int n) throws IOException, InterruptedException {
            long deadline = System.currentTimeMillis() + 30_000;
            long[] s = stats();
            while (s[0] != n && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
                s = stats();
            }
            return s;
        }

        @Override
        public void close() throws Exception {
            try {
                in.write("quit\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void underTheAgent5000ConnectionsNeedAtMost16PlatformThreads() throws Exception {
        int n = Integer.getInteger("gevent4j.proof.connections", 5000);
        try (Server server = new Server(true); EchoLoadClient client = new EchoLoadClient()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.port), n, 60_000);
            String summary = client.echoRounds(3, 64, 60_000);
            long[] s = server.statsWhenOpen(n);
            System.out.println("[proof] with agent: " + summary + " open=" + s[0] + " platformThreads=" + s[1]
                    + " peakPlatformThreads=" + s[2]);
            assertEquals(n, s[0], "connections the server holds");
            assertTrue(s[1] <= 16, "live platform threads in the server: " + s[1]);
            assertEquals(n, client.size());
        }
    }

    @Test
    void withoutTheAgentTheSameAppNeedsAThreadPerConnection() throws Exception {
        int n = 300;
        try (Server server = new Server(false); EchoLoadClient client = new EchoLoadClient()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.port), n, 60_000);
            String summary = client.echoRounds(3, 64, 60_000);
            long[] s = server.statsWhenOpen(n);
            System.out.println("[proof] without agent: " + summary + " open=" + s[0] + " platformThreads=" + s[1]);
            assertEquals(n, s[0]);
            assertTrue(s[1] > n, "a thread per connection: " + s[1] + " threads for " + n + " connections");
        }
    }
}
