package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.testing.HubPerTest;
import dev.gevent4j.testing.LeakCheck;
import dev.gevent4j.testing.OnHub;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
@Timeout(60)
class SubprocessTest extends HubPerTest {
    @Test
    void runCollectsExitCodeStdoutAndStderr() throws Exception {
        SubprocessResult r = hub.spawn(() -> Subprocess.run(
                List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10))).get();
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
    }

    @Test
    void runFromOutsideAnyHubUsesTheDefaultHub() throws Exception {
        SubprocessResult r = Subprocess.run(List.of("echo", "hi"), Duration.ofSeconds(10));
        assertEquals("hi\n", r.stdoutText());
    }

    @Test
    void runWithInputPipesItThrough() throws Exception {
        byte[] input = "b\nc\na\n".getBytes(StandardCharsets.UTF_8);
        SubprocessResult r = hub.spawn(() -> Subprocess.run(List.of("sort"), input, Duration.ofSeconds(10), 1000))
                .get();
        assertEquals("a\nb\nc\n", r.stdoutText());
    }

    @Test
    void readingASlowChildNeverBlocksTheHub() throws Exception {
        AtomicInteger ticks = new AtomicInteger();
        Greenlet<String> reader = hub.spawn(() -> {
            try (Subprocess p = Subprocess.start(List.of("sh", "-c", "sleep 0.4; echo late"))) {
                String s = new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor();
                return s;
            }
        });
        Greenlet<Void> ticker = hub.spawn(() -> {
            while (!reader.isDead()) {
                ticks.incrementAndGet();
                Gevent.sleep(10);
            }
        });
        assertEquals("late\n", reader.get());
        ticker.join();
        // 400 ms at one tick per 10 ms: a frozen hub would give 1 or 2
        assertTrue(ticks.get() >= 10, "ticker ran only " + ticks.get() + " times while the child was read");
    }

    @Test
    void timeoutKillsAndReapsTheChild() throws Exception {
        long[] pid = new long[1];
        SubprocessTimeoutException e = assertThrows(SubprocessTimeoutException.class, () -> {
            OnHub.call(hub, () -> {
                try (Subprocess p = Subprocess.start(List.of("sleep", "30"))) {
                    pid[0] = p.pid();
                    try {
                        p.waitFor(Duration.ofMillis(100));
                    } finally {
                        assertFalse(p.isAlive(), "the child was not reaped");
                    }
                }
                return null;
            });
        }, "waitFor should time out");
        assertEquals(Duration.ofMillis(100), e.getTimeout());
        assertFalse(ProcessHandle.of(pid[0]).map(ProcessHandle::isAlive).orElse(false));
    }

    @Test
    void runTimeoutKillsTheChild() {
        assertThrows(SubprocessTimeoutException.class, () -> OnHub.call(hub, () ->
                Subprocess.run(List.of("sh", "-c", "echo start; sleep 30"), Duration.ofMillis(200))));
    }

    @Test
    void outputOverTheLimitIsAnErrorNotAnOom() {
        SubprocessOutputLimitException e = assertThrows(SubprocessOutputLimitException.class, () -> OnHub.call(hub, () ->
                Subprocess.run(List.of("yes"), null, Duration.ofSeconds(20), 100_000)));
        assertEquals(100_000, e.getLimit());
    }

    @Test
    void streamsAMegabyteBothWays() throws Exception {
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        byte[] back = hub.spawn(() -> {
            try (Subprocess cat = Subprocess.start(List.of("cat"))) {
                Greenlet<Void> w = Gevent.spawn(() -> {
                    try (OutputStream o = cat.stdin()) {
                        o.write(data);
                    }
                    return null;
                });
                byte[] b = cat.stdout().readAllBytes();
                w.get();
                assertEquals(0, cat.waitFor());
                return b;
            }
        }).get();
        assertArrayEquals(data, back);
    }

    @Test
    void killingAReaderGreenletEndsItsWaitAndCloseKillsTheChild() throws Exception {
        Subprocess[] holder = new Subprocess[1];
        Greenlet<Integer> reader = hub.spawn(() -> {
            holder[0] = Subprocess.start(List.of("sleep", "30"));
            InputStream in = holder[0].stdout();
            return in.read();
        });
        Gevent.sleep(0);
        hub.spawn(() -> Gevent.sleep(50)).join();
        reader.kill();
        assertTrue(reader.isDead());
        assertTrue(holder[0].isAlive());
        hub.spawn(() -> holder[0].close()).get();
        assertFalse(holder[0].isAlive());
    }

    @Test
    void aMissingProgramIsAnIOException() {
        assertThrows(java.io.IOException.class,
                () -> OnHub.call(hub, () -> Subprocess.start(List.of("/nonexistent/program"))));
    }
}
