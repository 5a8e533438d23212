package dev.gevent4j.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.Monkey;
import dev.gevent4j.agent.apps.StdinApp;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@code files} patch under the real agent (on by default; this JVM runs with it): pipe reads and writes of
 * greenlets wait on the hub while the other greenlets run, regular files go to the hub's thread pool.
 */
// JUnit @Timeout (org.junit.jupiter.api.Timeout), fully qualified: dev.gevent4j.Timeout shares the name.
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class FilesTest extends dev.gevent4j.testing.HubPerTest {
    @Test
    void filesIsOnByDefault() {
        assertTrue(Monkey.isPatched("files"));
    }

    /** The CI proof: a greenlet reading a child's stdout leaves the other greenlets of its hub running. */
    @Test
    void readingAChildProcessesStdoutLeavesTheOtherGreenletsRunning() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        int[] ticksDuringRead = new int[1];
        Greenlet<String> reader = hub.spawn(() -> {
            Process p = new ProcessBuilder("sh", "-c", "sleep 1; echo done").start();
            try (InputStream in = p.getInputStream()) { // a BufferedInputStream over a FileInputStream on a pipe
                int before = ticks.get();
                String out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                ticksDuringRead[0] = ticks.get() - before;
                assertEquals(0, p.waitFor());
                return out;
            }
        });
        hub.spawn(() -> {
            while (!reader.isDead()) {
                ticks.incrementAndGet();
                Thread.sleep(5);
            }
            return null;
        });
        assertEquals("done\n", reader.get(Duration.ofSeconds(30)));
        // Had the read blocked the hub thread, no other greenlet could have run until it returned: 0 ticks.
        assertTrue(ticksDuringRead[0] >= 10, "the ticker greenlet ticked only " + ticksDuringRead[0]
                + " times while the reader waited ~1 s for the child's output");
    }

    @Test
    void writerAndReaderOfOneChildOnOneHubDoNotDeadlock() throws Exception {
        byte[] data = new byte[512 * 1024]; // far more than a pipe holds: the writer must wait for the reader
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31);
        }
        Process cat = new ProcessBuilder("cat").start();
        try {
            Greenlet<Void> writer = hub.spawn(() -> {
                try (OutputStream out = cat.getOutputStream()) { // a BufferedOutputStream over a pipe
                    out.write(data);
                }
                return null;
            });
            Greenlet<byte[]> reader = hub.spawn(() -> {
                try (InputStream in = cat.getInputStream()) {
                    return in.readAllBytes();
                }
            });
            AtomicInteger ticks = ticker(reader);
            writer.get(Duration.ofSeconds(30));
            assertArrayEquals(data, reader.get(Duration.ofSeconds(30)));
            assertEquals(0, cat.waitFor());
            assertTrue(ticks.get() >= 1, "the ticker never ran");
        } finally {
            cat.destroyForcibly().waitFor();
        }
    }

    @Test
    void singleByteReadsAndWritesOfAPipe() throws Exception {
        Process cat = new ProcessBuilder("cat").start();
        try {
            String echoed = hub.spawn(() -> {
                OutputStream out = cat.getOutputStream();
                InputStream in = cat.getInputStream();
                StringBuilder sb = new StringBuilder();
                for (char c : "pipe".toCharArray()) {
                    out.write(c);
                    out.flush();
                    sb.append((char) in.read()); // waits on the hub until cat echoes it
                }
                out.close();
                assertEquals(-1, in.read());
                return sb.toString();
            }).get(Duration.ofSeconds(30));
            assertEquals("pipe", echoed);
            assertEquals(0, cat.waitFor());
        } finally {
            cat.destroyForcibly().waitFor();
        }
    }

    @Test
    void regularFilesAreReadAndWrittenOnTheHubsThreadPool() throws Exception {
        Path f = Files.createTempFile("gevent4j-agent", ".bin");
        try {
            byte[] data = "regular file contents".getBytes(StandardCharsets.UTF_8);
            byte[] read = hub.spawn(() -> {
                try (FileOutputStream out = new FileOutputStream(f.toFile())) {
                    out.write(data);
                    out.write('!');
                }
                try (FileInputStream in = new FileInputStream(f.toFile())) {
                    return in.readAllBytes();
                }
            }).get(Duration.ofSeconds(30));
            assertEquals(new String(data, StandardCharsets.UTF_8) + "!", new String(read, StandardCharsets.UTF_8));
            // Only the pool (threads named <hub>-pool-N, created on demand) ran them: it exists now.
            assertTrue(poolWasUsed(), "no pool thread was used");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private boolean poolWasUsed() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith(hub.getName() + "-pool-"));
    }

    @Test
    void randomAccessFilesAreReadAndWrittenOnTheHubsThreadPool() throws Exception {
        Path f = Files.createTempFile("gevent4j-agent", ".raf");
        try {
            String read = hub.spawn(() -> {
                try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(f.toFile(), "rw")) {
                    raf.write("random access".getBytes(StandardCharsets.UTF_8));
                    raf.write('!');
                    raf.seek(7);
                    byte[] b = new byte[6];
                    raf.readFully(b);
                    return new String(b, StandardCharsets.UTF_8) + (char) raf.read() + raf.read();
                }
            }).get(Duration.ofSeconds(30));
            assertEquals("access!-1", read);
            assertTrue(poolWasUsed(), "no pool thread was used");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void fileChannelsAndNioFilesAreReadAndWrittenOnTheHubsThreadPool() throws Exception {
        Path f = Files.createTempFile("gevent4j-agent", ".chan");
        try {
            String read = hub.spawn(() -> {
                Files.writeString(f, "through a FileChannel");
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                        java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.write(java.nio.ByteBuffer.wrap("A".getBytes(StandardCharsets.UTF_8)), 0);
                    java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(9);
                    java.nio.ByteBuffer tail = java.nio.ByteBuffer.allocate(12);
                    ch.read(new java.nio.ByteBuffer[] {head, tail}, 0, 2);
                    java.nio.ByteBuffer at = java.nio.ByteBuffer.allocate(4);
                    ch.read(at, 17);
                    return new String(head.array(), StandardCharsets.UTF_8) + "|"
                            + new String(at.array(), StandardCharsets.UTF_8) + "|" + Files.readString(f);
                }
            }).get(Duration.ofSeconds(30));
            assertEquals("Ahrough a|nnel|Ahrough a FileChannel", read);
            assertTrue(poolWasUsed(), "no pool thread was used");
        } finally {
            Files.deleteIfExists(f);
        }
    }

    /**
     * A RandomAccessFile over a FIFO: its read blocks a pool thread until data comes. Meanwhile the hub runs other
     * greenlets, and a kill of the reader is raised only once the read returned — never abandoned half-way.
     */
    @Test
    void aKillDuringAPoolCallIsRaisedOnceTheCallReturned() throws Exception {
        Path dir = Files.createTempDirectory("gevent4j-fifo");
        Path fifo = dir.resolve("fifo");
        try {
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            // "rw" (O_RDWR): opening a FIFO this way does not wait for a writer
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(fifo.toFile(), "rw")) {
                AtomicInteger got = new AtomicInteger(-2);
                Greenlet<Void> reader = hub.spawn(() -> {
                    got.set(raf.read());
                    return null;
                });
                AtomicInteger ticks = ticker(reader);
                waitUntil("a pool thread blocks in RandomAccessFile.read0 and the ticker runs meanwhile", () ->
                        ticks.get() >= 3 && Thread.getAllStackTraces().entrySet().stream().anyMatch(e ->
                                e.getKey().getName().startsWith(hub.getName() + "-pool-")
                                        && Arrays.stream(e.getValue()).anyMatch(f -> f.getMethodName().equals("read0"))));
                IllegalStateException kill = new IllegalStateException("killed during a pool read");
                reader.kill(kill, Duration.ofMillis(300));
                assertTrue(!reader.isDead(), "the kill abandoned the read on the pool");
                raf.write('A'); // this platform thread: the JDK's own write; the pool's read returns 'A'
                assertTrue(reader.join(Duration.ofSeconds(30)));
                assertEquals(kill, reader.exception());
                assertEquals(-2, got.get(), "the read's result is dropped: the kill is raised from it");
                raf.write('B');
                assertEquals('B', raf.read(), "'A' was consumed by the killed greenlet's read");
            }
        } finally {
            Files.deleteIfExists(fifo);
            Files.deleteIfExists(dir);
        }
    }

    private static void waitUntil(String what, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            Thread.sleep(5);
        }
    }

    /**
     * System.in of a JVM under the agent is a pipe here: a greenlet reading it waits on the hub while another
     * greenlet prints ticks (its System.out, a pipe too, goes through the patched FileOutputStream).
     */
    @Test
    void aGreenletReadingSystemInLeavesTheOtherGreenletsRunning() throws Exception {
        Process child = ChildJvm.builder(List.of("-javaagent:" + ChildJvm.agentJar()), List.of(),
                StdinApp.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread pump = Thread.ofPlatform().daemon(true).name("stdin-app-stdout").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                lines.add("pump failed: " + e);
            }
            lines.add("<eof>");
        });
        try {
            assertEquals("reading", next(lines));
            // The reader is blocked on stdin (nothing was written yet): every tick happened meanwhile.
            for (int i = 1; i <= 20; i++) {
                assertEquals("tick " + i, next(lines));
            }
            try (OutputStream stdin = child.getOutputStream()) {
                stdin.write("hello\n".getBytes(StandardCharsets.UTF_8));
            }
            String l;
            while ((l = next(lines)).startsWith("tick ")) {
                // the ticker may tick a few more times before the reader resumes
            }
            assertEquals("got hello", l);
            while ((l = next(lines)).startsWith("tick ")) {
                // a tick whose write was under way when the line arrived
            }
            assertEquals("<eof>", l);
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue());
        } finally {
            child.destroyForcibly().waitFor();
            pump.join(10_000);
        }
    }

    private static String next(LinkedBlockingQueue<String> lines) throws InterruptedException {
        String l = lines.poll(30, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("the child printed nothing more in 30 s");
        }
        return l;
    }
}
