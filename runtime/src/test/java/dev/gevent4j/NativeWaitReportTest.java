package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The monitor's report for a greenlet that holds its hub in a native frame (issue #14): it says so, names the
 * native method, and gives the way out — for a converted application thread the agent option platformThreads (see
 * the agent's ThreadKindsTest), for main=true's main the option main=false, else a platform thread for the call.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NativeWaitReportTest {
    @Test
    void aGreenletInANativeReadIsReportedAsSuchWithTheWayOut() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        Logger jul = Logger.getLogger("dev.gevent4j.monitor");
        Handler h = new Handler() {
            @Override
            public void publish(LogRecord r) {
                reports.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(h);
        Process cat = new ProcessBuilder("cat").start();
        try (Hub hub = Hub.create()) {
            // Without the agent a greenlet's read of a pipe is the JDK's native read: it pins the hub thread.
            Greenlet<Integer> reader = hub.spawn(() -> {
                try (InputStream in = cat.getInputStream()) {
                    return in.read();
                }
            }).setName("pipe-reader");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (reports.stream().noneMatch(r -> r.contains("greenlet pipe-reader")) && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling for the monitor's report, bounded by the deadline
            }
            try (OutputStream out = cat.getOutputStream()) {
                out.write('x');
            }
            assertEquals('x', reader.get());
            String r = reports.stream().filter(s -> s.contains("greenlet pipe-reader")).findFirst().orElseThrow(
                    () -> new AssertionError("no report for the pipe reader: " + reports));
            assertTrue(r.contains("greenlet pipe-reader is in native code (java.io.FileInputStream."), r);
            assertTrue(r.contains("make it from a platform thread"), r);
        } finally {
            jul.removeHandler(h);
            cat.destroyForcibly().waitFor();
        }
    }

    @Test
    void theAdviceNamesTheOptionThatFreesTheHub() {
        StackTraceElement top = new StackTraceElement("io.grpc.netty.shaded.io.netty.channel.epoll.Native", "epollWait",
                null, -2);
        Thread boss = new Thread(() -> { }, "grpc-default-boss-ELG-1-1");
        String converted = NativeWaitAdvice.what(top, boss, false);
        assertTrue(converted.contains("(io.grpc.netty.shaded.io.netty.channel.epoll.Native.epollWait)"), converted);
        assertTrue(converted.contains("platformThreads=grpc-default-boss-ELG-*"), converted);
        assertTrue(NativeWaitAdvice.what(top, null, true).contains("main=false"));
        String loading = NativeWaitAdvice.what(new StackTraceElement("java.lang.ClassLoader", "defineClass1", null, -2),
                boss, true);
        assertTrue(loading.contains("CPU work of the JDK") && !loading.contains("main=false")
                && !loading.contains("platformThreads"), loading);
        StackTraceElement yielding = new StackTraceElement("jdk.internal.vm.Continuation", "doYield", null, -2);
        assertTrue(NativeWaitAdvice.unmounting(yielding), "a greenlet caught parking is not in a native call");
        assertFalse(NativeWaitAdvice.unmounting(top));
        assertTrue(NativeWaitAdvice.UNMOUNTING.contains("garbage-collection pause"), NativeWaitAdvice.UNMOUNTING);
        assertEquals("worker-*", NativeWaitAdvice.suggestion(new Thread(() -> { }, "worker-12")));
        assertEquals("7", NativeWaitAdvice.suggestion(new Thread(() -> { }, "7")));
    }
}
