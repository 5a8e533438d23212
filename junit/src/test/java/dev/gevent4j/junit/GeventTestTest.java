package dev.gevent4j.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import dev.gevent4j.event.Event;
import java.io.FileInputStream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class GeventTestTest {
    private Hub beforeEachHub;
    private Greenlet<?> beforeEachGreenlet;

    @BeforeEach
    void setUp(Hub hub) {
        beforeEachHub = Hub.current();
        beforeEachGreenlet = Gevent.getCurrent();
        assertSame(hub, beforeEachHub);
    }

    @AfterEach
    void tearDown(Hub hub) {
        assertSame(hub, Hub.current());
    }

    @GeventTest
    void runsAsAGreenletOnTheInjectedHub(Hub hub) {
        assertSame(hub, Hub.current());
        assertSame(hub, beforeEachHub);
        assertNotNull(Gevent.getCurrent());
        assertTrue(Gevent.getCurrent() != beforeEachGreenlet, "@BeforeEach ran in a greenlet of its own");
    }

    @GeventTest
    void greenletsItSpawnsRunOnTheSameHub(Hub hub) {
        Event e = new Event();
        Greenlet<Hub> g = Gevent.spawn(() -> {
            e.set();
            return Hub.current();
        });
        e.await();
        assertSame(hub, g.get());
    }

    @GeventTest
    void eachRunHasAFreshHub(Hub hub) {
        assertFalse(hub.isClosed());
        assertEquals(1, hub.snapshotStats().liveGreenlets(), "only the test's own greenlet lives on a fresh hub");
    }
}
