package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LoopExitTest {

    @Test
    void joiningAGreenletThatWasNeverStartedRaisesLoopExit() {
        try (Hub hub = Hub.create()) {
            Greenlet<Object> never = new Greenlet<>(hub, () -> 1);
            LoopExit e = assertThrows(LoopExit.class, never::join);
            assertTrue(e.getMessage().contains("this operation would block forever"), e.getMessage());
            assertThrows(LoopExit.class, never::get);
            assertThrows(LoopExit.class, () -> Gevent.joinAll(List.of(never)));
        }
    }

    @Test
    void greenletsWaitingOnEachOtherRaiseLoopExitInTheOutsideWaiter() {
        try (Hub hub = Hub.create()) {
            @SuppressWarnings("unchecked")
            Greenlet<Object>[] gs = new Greenlet[2];
            gs[0] = new Greenlet<>(hub, () -> gs[1].get());
            gs[1] = new Greenlet<>(hub, () -> gs[0].get());
            gs[0].start();
            gs[1].start();
            assertThrows(LoopExit.class, () -> gs[0].get());
            // the hub still works afterwards
            assertEquals(3, hub.spawn(() -> 3).get());
        }
    }

    @Test
    void aSwitchThatNothingAnswersRaisesLoopExit() {
        try (Hub hub = Hub.create()) {
            @SuppressWarnings("unchecked")
            Greenlet<Object>[] g = new Greenlet[1];
            // h joins g while g waits for a switch that only h could make: nothing can ever move
            Greenlet<Object> h = new Greenlet<>(hub, () -> {
                g[0].join();
                return null;
            });
            g[0] = new Greenlet<>(hub, () -> h.switchTo());
            assertThrows(LoopExit.class, g[0]::switchTo);
        }
    }

    @Test
    void greenletsParkedInAJdkWaitNeverCauseLoopExit() {
        try (Hub hub = Hub.create()) {
            CompletableFuture<String> f = new CompletableFuture<>();
            Greenlet<String> g = hub.spawn(() -> f.get());
            CountDownLatch parked = new CountDownLatch(1);
            Thread completer = Thread.ofPlatform().start(() -> {
                try {
                    parked.await();
                    // give the hub every chance to (wrongly) declare LoopExit
                    for (int i = 0; i < 20; i++) {
                        Thread.sleep(5);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                f.complete("from another thread");
            });
            while (g.getThread() == null || g.getThread().getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            parked.countDown();
            assertEquals("from another thread", g.get());
            try {
                completer.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void aLoopExitNeverLeaksIntoTheThreadsNextWait() {
        try (Hub hub = Hub.create()) {
            for (int i = 0; i < 200; i++) {
                assertEquals(i, hub.spawn(() -> 0).get() + i);
                Greenlet<Integer> g = hub.spawn(() -> {
                    Gevent.sleep(1);
                    return 5;
                });
                assertEquals(5, g.get());
            }
        }
    }
}
