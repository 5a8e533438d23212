package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.io.BufferedReader;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A greenlet pinned to its hub thread — here inside a class initializer, first touched from the greenlet — that
 * reads a pipe, a regular file or a socket must not wait on its hub (the hub thread is the one blocked, so the
 * wake-up could never come): the agent's hooks find out and run the JDK's own blocking call. The class
 * initializes, and the hub runs on afterwards. Under the real agent (files, socket on).
 */
// JUnit @Timeout (org.junit.jupiter.api.Timeout), fully qualified: dev.gevent4j.Timeout shares the name. A separate thread: should a
// regression freeze the hub, hub.close() in @AfterEach would never return, and the run must still end.
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS,
        threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class PinnedGreenletsTest {
    /** Inputs of the initializers below, in a class of their own: writing a static field initializes its class. */
    static final class Inputs {
        static volatile InputStream pipe;
        static volatile File file;
        static volatile int port;
        static volatile Thread initializing;
    }

    static final class ReadsAPipe {
        static final String LINE;

        static {
            Inputs.initializing = Thread.currentThread();
            try {
                LINE = new BufferedReader(new InputStreamReader(Inputs.pipe, StandardCharsets.UTF_8)).readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final class ReadsAFile {
        static final String TEXT;

        static {
            try (FileInputStream in = new FileInputStream(Inputs.file)) {
                TEXT = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final class ReadsASocket {
        static final String LINE;

        static {
            Inputs.initializing = Thread.currentThread();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Inputs.port));
                LINE = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private Hub hub;

    @BeforeEach
    void createHub() {
        Inputs.initializing = null;
        hub = Hub.create();
    }

    @AfterEach
    void closeHub() {
        hub.close();
    }

    private static void waitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    private void assertHubStillRuns() {
        assertEquals(42, hub.spawn(() -> 42).get(Duration.ofSeconds(20)));
    }

    @Test
    void aClassInitializerReadingAPipeOnAGreenletCompletes() throws Exception {
        Process cat = new ProcessBuilder("cat").start();
        try {
            Inputs.pipe = cat.getInputStream();
            Greenlet<String> g = hub.spawn(() -> ReadsAPipe.LINE);
            // Nothing to read yet: the initializer must end up in the JDK's own blocking read (on the hub thread),
            // not parked waiting for the hub's epoll loop, which its own park would stop.
            waitUntil("the initializer blocks in FileInputStream.readBytes", () -> {
                Thread t = Inputs.initializing;
                return t != null && Arrays.stream(t.getStackTrace()).limit(2)
                        .anyMatch(f -> f.getMethodName().equals("readBytes"));
            });
            OutputStream stdin = cat.getOutputStream();
            stdin.write("from a pipe\n".getBytes(StandardCharsets.UTF_8));
            stdin.close();
            assertEquals("from a pipe", g.get(Duration.ofSeconds(20)));
            assertHubStillRuns();
        } finally {
            cat.destroyForcibly().waitFor();
        }
    }

    @Test
    void aClassInitializerReadingARegularFileOnAGreenletCompletes() throws Exception {
        Path f = Files.createTempFile("gevent4j-pinned", ".txt");
        try {
            Files.writeString(f, "from a file");
            Inputs.file = f.toFile();
            assertEquals("from a file", hub.spawn(() -> ReadsAFile.TEXT).get(Duration.ofSeconds(20)));
            assertHubStillRuns();
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void aClassInitializerReadingASocketOnAGreenletCompletes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(20_000);
            Inputs.port = server.getLocalPort();
            Greenlet<String> g = hub.spawn(() -> ReadsASocket.LINE);
            try (Socket peer = server.accept()) {
                // The initializer waits for data (a pinned park on the hub thread): only then send it.
                waitUntil("the initializer waits for the socket", () -> {
                    Thread t = Inputs.initializing;
                    // parked on the hub thread, or collecting the hub's socket events itself (SocketWaits.pinnedPark)
                    return t != null && (t.getState() == Thread.State.WAITING
                            || dev.gevent4j.internal.agent.hooks.SocketWaits.pinnedWaiting() > 0);
                });
                peer.getOutputStream().write("from a socket\n".getBytes(StandardCharsets.UTF_8));
                assertEquals("from a socket", g.get(Duration.ofSeconds(20)));
            }
            assertHubStillRuns();
        }
    }
}
