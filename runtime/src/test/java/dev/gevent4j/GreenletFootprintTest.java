package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import dev.gevent4j.event.Event;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.classfile.attribute.CodeAttribute;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What keeps a greenlet small (benchmarks/RESULTS.md, "The per-greenlet footprint"), each with the behaviour it
 * must not change: the body is the strand (no extra object, one frame), joinAll registers one shared node, greenlet
 * threads live in their hub's thread container (not the JDK's tracking map), and the end of a greenlet's life stays
 * out of the body's compiled frame.
 */
// JUnit's @Timeout, fully qualified (dev.gevent4j.Timeout shares its simple name).
@org.junit.jupiter.api.Timeout(60)
class GreenletFootprintTest {

    /**
     * {@code Greenlet.end} must stay above C2's FreqInlineSize (325 bytecodes), so that the JIT does not inline it
     * into {@code Greenlet$Body.run}: that frame is in every parked greenlet's StackChunk, and inlining this code
     * grew it by about 70 B (measured with {@code -XX:CompileCommand=dontinline}). If a change shrinks {@code end},
     * keep its waking of waiters written out in it rather than moving code out.
     */
    @Test
    void theEndOfAGreenletsLifeStaysTooBigToInlineIntoItsBody() throws IOException {
        ClassModel cm;
        try (InputStream in = Greenlet.class.getResourceAsStream("Greenlet.class")) {
            cm = ClassFile.of().parse(in.readAllBytes());
        }
        int size = -1;
        for (MethodModel m : cm.methods()) {
            if (m.methodName().equalsString("end")) {
                size = m.findAttribute(java.lang.classfile.Attributes.code()).map(CodeAttribute::codeLength)
                        .orElse(-1);
            }
        }
        assertTrue(size > 325, "Greenlet.end is " + size + " bytecodes; it must stay above C2's FreqInlineSize (325)");
    }

    @Test
    void theBodyRunsOnlyOnItsOwnThread() {
        try (Hub hub = Hub.create()) {
            Event ev = new Event();
            Greenlet<?> g = hub.spawn(() -> { ev.await(); });
            while (g.getThread() == null || g.getThread().getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            Runnable body = (Runnable) g.getThread().getUncaughtExceptionHandler();
            IllegalStateException e = assertThrows(IllegalStateException.class, body::run);
            assertTrue(e.getMessage().contains("runs only on its own thread"), e.getMessage());
            hub.callSoon(ev::set);
            g.join();
            assertTrue(g.isSuccessful());
        }
    }

    @Test
    void joinAllAndOtherWaitersOfTheSameGreenletsAreAllWokenInRegistrationOrder() {
        try (Hub hub = Hub.create()) {
            List<String> got = hub.spawn(() -> {
                List<String> events = Collections.synchronizedList(new ArrayList<>());
                Event go = new Event();
                Greenlet<String> a = Gevent.spawn(() -> { go.await(); return "a"; });
                Greenlet<String> b = Gevent.spawn(() -> { go.await(); return "b"; });
                // a: a link first, so joinAll's shared node goes on top of it (through a reference node);
                // b: joinAll's shared node first (the stack's bottom), a link after it
                a.link(g -> events.add("link a"));
                Greenlet<List<Greenlet<?>>> first = Gevent.spawn(() -> Gevent.joinAll(List.of(b, a, b)));
                Greenlet<List<Greenlet<?>>> second = Gevent.spawn(() -> Gevent.joinAll(List.of(a, b)));
                Gevent.sleep(0); // both joinAlls registered
                b.link(g -> events.add("link b"));
                go.set();
                List<Greenlet<?>> r1 = first.get();
                List<Greenlet<?>> r2 = second.get();
                events.add("first " + r1.stream().map(g -> (String) g.value()).toList());
                events.add("second " + r2.stream().map(g -> (String) g.value()).toList());
                Gevent.sleep(0); // links run as callbacks on the hub
                return events;
            }).get();
            assertTrue(got.contains("first [a, b]"), got.toString());
            assertTrue(got.contains("second [a, b]"), got.toString());
            assertTrue(got.containsAll(List.of("link a", "link b")), got.toString());
        }
    }

    @Test
    void aJoinAllThatTimedOutLeavesTheGreenletsJoinableByOthers() {
        try (Hub hub = Hub.create()) {
            int joined = hub.spawn(() -> {
                Event go = new Event();
                List<Greenlet<?>> gs = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    gs.add(Gevent.spawn(() -> { go.await(); }));
                }
                assertEquals(0, Gevent.joinAll(gs, java.time.Duration.ofMillis(5)).size());
                go.set();
                return Gevent.joinAll(gs).size();
            }).get();
            assertEquals(10, joined);
        }
    }

    @Test
    void greenletThreadsAreListedInTheJdksThreadDumpUnderTheirHub(@TempDir Path dir) throws Exception {
        HotSpotDiagnosticMXBean diag = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        Path dump = dir.resolve("threads.json");
        Hub hub = Hub.create("footprint-dump-hub");
        try {
            Event ev = new Event();
            AtomicInteger parked = new AtomicInteger();
            List<Greenlet<?>> gs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Greenlet<?> g = new Greenlet<Void>(hub, () -> {
                    parked.incrementAndGet();
                    ev.await();
                });
                g.setName("footprint-greenlet-" + i);
                gs.add(g.start());
            }
            while (parked.get() < 3) {
                Thread.onSpinWait();
            }
            diag.dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(dump);
            int container = json.indexOf("\"gevent4j hub footprint-dump-hub");
            assertTrue(container >= 0, "the hub's container is in the dump");
            int nextContainer = json.indexOf("\"container\"", container + 1);
            String section = json.substring(container, nextContainer < 0 ? json.length() : nextContainer);
            for (int i = 0; i < 3; i++) {
                assertTrue(section.contains("footprint-greenlet-" + i), "greenlet " + i + " listed under its hub");
            }
            assertTrue(section.contains("Event.await"), "with its stack");
            hub.callSoon(ev::set);
            Gevent.joinAll(gs);
        } finally {
            hub.close();
        }
        Files.delete(dump);
        diag.dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
        assertFalse(Files.readString(dump).contains("gevent4j hub footprint-dump-hub"),
                "a closed hub's container leaves the JDK's registry");
    }
}
