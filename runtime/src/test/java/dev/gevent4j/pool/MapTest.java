package dev.gevent4j.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gevent4j.Gevent;
import dev.gevent4j.Hub;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pool/Group map, imap (ordered, lazy, bounded look-ahead) and imapUnordered (completion order). */
@Timeout(30)
class MapTest {

    /** An input that counts how many items were taken from it. */
    static Iterable<Integer> counting(int n, AtomicInteger taken) {
        return () -> new Iterator<>() {
            int i;

            @Override
            public boolean hasNext() {
                return i < n;
            }

            @Override
            public Integer next() {
                taken.incrementAndGet();
                return i++;
            }
        };
    }

    @Test
    void mapKeepsInputOrderWhateverTheCompletionOrder() {
        try (Hub hub = Hub.create()) {
            List<Integer> out = hub.spawn(() -> new Pool(4).map(i -> {
                Gevent.sleep(20 - 5 * i); // later items finish first
                return i * 10;
            }, List.of(0, 1, 2, 3))).get();
            assertEquals(List.of(0, 10, 20, 30), out);
        }
    }

    @Test
    void imapUnorderedYieldsInCompletionOrder() {
        try (Hub hub = Hub.create()) {
            List<Integer> out = hub.spawn(() -> {
                List<Integer> r = new ArrayList<>();
                try (IMap<Integer> it = new Group().imapUnordered(i -> {
                    Gevent.sleep(5 * (3 - i));
                    return i;
                }, List.of(0, 1, 2, 3))) {
                    for (int v : it) {
                        r.add(v);
                    }
                }
                return r;
            }).get();
            assertEquals(List.of(3, 2, 1, 0), out);
        }
    }

    @Test
    void imapIsLazyAndRunsAtMostTheLookAheadBeyondTheReader() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                AtomicInteger taken = new AtomicInteger();
                AtomicInteger running = new AtomicInteger();
                AtomicInteger maxRunning = new AtomicInteger();
                Group group = new Group();
                IMap<Integer> closed;
                try (IMap<Integer> it = group.imap(i -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Gevent.sleep(1);
                    running.decrementAndGet();
                    return i;
                }, counting(1000, taken), 3)) {
                    Gevent.sleep(10);
                    assertEquals(3, taken.get(), "the feeder read past the look-ahead before anything was read");
                    int read = 0;
                    while (read < 50) {
                        assertEquals(read, it.next());
                        read++;
                        Gevent.sleep(0);
                        assertTrue(taken.get() <= read + 3, "look-ahead exceeded: taken " + taken + ", read " + read);
                    }
                    closed = it;
                }
                int atClose = taken.get();
                Gevent.sleep(10);
                assertEquals(atClose, taken.get(), "the feeder kept reading after close()");
                assertFalse(closed.hasNext());
                assertTrue(maxRunning.get() <= 3, "ran " + maxRunning + " at once");
            }).get();
        }
    }

    @Test
    void aPoolBoundsConcurrencyOfImap() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                AtomicInteger running = new AtomicInteger();
                AtomicInteger maxRunning = new AtomicInteger();
                Pool pool = new Pool(2);
                List<Integer> out = new ArrayList<>();
                for (int v : pool.imap((Integer i) -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Gevent.sleep(2);
                    running.decrementAndGet();
                    return i + 1;
                }, List.of(1, 2, 3, 4, 5, 6), 10)) {
                    out.add(v);
                }
                assertEquals(List.of(2, 3, 4, 5, 6, 7), out);
                assertEquals(2, maxRunning.get());
            }).get();
        }
    }

    @Test
    void aFailingItemRaisesWhenReachedAndTheRestStillCome() {
        try (Hub hub = Hub.create()) {
            hub.spawn(() -> {
                IllegalArgumentException bad = new IllegalArgumentException("bad 1");
                IMap<Integer> it = new Pool(3).imap(i -> {
                    if (i == 1) {
                        throw bad;
                    }
                    return i;
                }, List.of(0, 1, 2));
                assertEquals(0, it.next());
                assertSame(bad, assertThrows(IllegalArgumentException.class, it::next));
                assertEquals(2, it.next());
                assertFalse(it.hasNext());
                assertThrows(IllegalStateException.class, () -> {
                    it.iterator();
                    it.iterator();
                });

                RuntimeException inputBroke = new RuntimeException("input broke");
                Iterable<Integer> failing = () -> new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        if (i == 2) {
                            throw inputBroke;
                        }
                        return true;
                    }

                    @Override
                    public Integer next() {
                        return i++;
                    }
                };
                IMap<Integer> it2 = new Group().imap(i -> i, failing);
                assertEquals(0, it2.next());
                assertEquals(1, it2.next());
                assertSame(inputBroke, assertThrows(RuntimeException.class, it2::hasNext));
                assertThrows(IllegalArgumentException.class, () -> new Group().imap(i -> i, List.of(1), 0));
            }).get();
        }
    }
}
