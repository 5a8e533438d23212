package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** greenlet-style explicit switching. */
@Timeout(30)
class SwitchTest {

    @Test
    void theSeedsPingPongFromOutsideTheHub() {
        try (Hub hub = Hub.create()) {
            List<String> out = new ArrayList<>();
            @SuppressWarnings("unchecked")
            Greenlet<Object>[] gr = new Greenlet[2];
            gr[0] = new Greenlet<>(hub, () -> {
                out.add("12");
                gr[1].switchTo();
                out.add("56");
                gr[1].switchTo();
                return null;
            });
            gr[1] = new Greenlet<>(hub, () -> {
                out.add("34");
                gr[0].switchTo();
                out.add("78");
                return "gr2 done";
            });
            Object back = gr[0].switchTo();
            assertEquals(List.of("12", "34", "56", "78"), out);
            assertEquals("gr2 done", back, "the result of gr2 (parent: this thread) comes back");
            gr[0].kill();
        }
    }

    @Test
    void valuesTravelThroughSwitches() {
        try (Hub hub = Hub.create()) {
            Object r = hub.spawn(() -> {
                Greenlet<?> parent = Gevent.getCurrent();
                Greenlet<Object> child = new Greenlet<>(() -> {
                    Object got = parent.switchTo("ping");
                    return "child got " + got;
                });
                Object first = child.switchTo();
                assertEquals("ping", first);
                return child.getParent() == parent ? parent.getName() + ":" + child.switchTo("pong") : "bad parent";
            }).get();
            assertEquals(true, r.toString().endsWith(":child got pong"), r.toString());
        }
    }

    @Test
    void anExceptionEndingAChildIsRaisedInTheSwitchingParent() {
        try (Hub hub = Hub.create()) {
            String r = hub.spawn(() -> {
                Greenlet<Object> child = new Greenlet<>(() -> {
                    throw new IllegalStateException("child failed (expected in this test)");
                });
                IllegalStateException e = assertThrows(IllegalStateException.class, child::switchTo);
                return e.getMessage();
            }).get();
            assertEquals("child failed (expected in this test)", r);
        }
    }

    @Test
    void switchingToYourselfReturnsTheValue() {
        try (Hub hub = Hub.create()) {
            assertEquals("me", hub.spawn(() -> Gevent.getCurrent().switchTo("me")).get());
        }
    }
}
