package dev.gevent4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.junit.GeventTest;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Timeout;

/** Each test runs as a greenlet on a hub of its own; @GeventTest checks no child's pipe fd or greenlet is left. */
@Timeout(60)
class SubprocessTest {
    /** Runs {@code fn} in the test's greenlet (where OnHub.call ran it in a greenlet spawned from outside). */
    private static <T> T call(java.util.concurrent.Callable<T> fn) throws Exception {
        return fn.call();
    }

    @GeventTest
    void runCollectsExitCodeStdoutAndStderr(Hub hub) throws Exception {
        SubprocessResult r = hub.spawn(() -> Subprocess.run(
                List.of("sh", "-c", "echo out; echo err >&2; exit 3"), Duration.ofSeconds(10))).get();
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
    }

    @GeventTest
    void runFromOutsideAnyHubUsesTheDefaultHub(Hub hub) throws Exception {
        SubprocessResult r = Subprocess.run(List.of("echo", "hi"), Duration.ofSeconds(10));
        assertEquals("hi\n", r.stdoutText());
    }

    @GeventTest
    void runWithInputPipesItThrough(Hub hub) throws Exception {
        byte[] input = "b\nc\na\n".getBytes(StandardCharsets.UTF_8);
        SubprocessResult r = hub.spawn(() -> Subprocess.run(List.of("sort"), input, Duration.ofSeconds(10), 1000))
                .get();
        assertEquals("a\nb\nc\n", r.stdoutText());
    }

    @GeventTest
    void readingASlowChildNeverBlocksTheHub(Hub hub) throws Exception {
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

    @GeventTest
    void timeoutKillsAndReapsTheChild(Hub hub) throws Exception {
        long[] pid = new long[1];
        SubprocessTimeoutException e = assertThrows(SubprocessTimeoutException.class, () -> {
            call(() -> {
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

    @GeventTest
    void runTimeoutKillsTheChild(Hub hub) {
        assertThrows(SubprocessTimeoutException.class, () -> call(() ->
                Subprocess.run(List.of("sh", "-c", "echo start; sleep 30"), Duration.ofMillis(200))));
    }

    @GeventTest
    void outputOverTheLimitIsAnErrorNotAnOom(Hub hub) {
        SubprocessOutputLimitException e = assertThrows(SubprocessOutputLimitException.class, () -> call(() ->
                Subprocess.run(List.of("yes"), null, Duration.ofSeconds(20), 100_000)));
        assertEquals(100_000, e.getLimit());
    }

    @GeventTest
    void streamsAMegabyteBothWays(Hub hub) throws Exception {
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

    @GeventTest
    void killingAReaderGreenletEndsItsWaitAndCloseKillsTheChild(Hub hub) throws Exception {
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

    @GeventTest
    void aMissingProgramIsAnIOException(Hub hub) {
        assertThrows(java.io.IOException.class,
                () -> call(() -> Subprocess.start(List.of("/nonexistent/program"))));
    }
}
