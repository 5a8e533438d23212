package dev.gevent4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's timer heap: deadline order, insertion order among equal deadlines (also across the counter's wrap). */
@Timeout(30)
class TimerQueueTest {

    private static final class Named extends TimerQueue.Timer {
        final String name;

        Named(long deadline, String name) {
            super(deadline);
            this.name = name;
        }

        @Override
        public void fire() {}
    }

    private static List<String> drain(TimerQueue q, long now) {
        List<String> out = new ArrayList<>();
        for (TimerQueue.Timer t; (t = q.pollDue(now)) != null; ) {
            out.add(((Named) t).name);
        }
        return out;
    }

    @Test
    void equalDeadlinesComeOutInInsertionOrderAcrossTheCountersWrap() throws Exception {
        TimerQueue q = new TimerQueue();
        Field seq = TimerQueue.class.getDeclaredField("seq");
        seq.setAccessible(true);
        seq.setInt(q, Integer.MAX_VALUE - 2); // the next four insertions wrap the int counter
        for (String n : List.of("a", "b", "c", "d", "e")) {
            q.add(new Named(100, n));
        }
        q.add(new Named(50, "early"));
        assertEquals(List.of("early", "a", "b", "c", "d", "e"), drain(q, 100));
        assertTrue(q.isEmpty());
    }

    @Test
    void randomDeadlinesComeOutSortedAndRemovalsStayOut() {
        TimerQueue q = new TimerQueue();
        SplittableRandom r = new SplittableRandom(42);
        List<Named> all = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            Named t = new Named(r.nextLong(1_000), "t" + i);
            all.add(t);
            q.add(t);
        }
        for (int i = 0; i < all.size(); i += 3) {
            assertTrue(q.remove(all.get(i)));
            assertFalse(all.get(i).isQueued());
        }
        assertNull(q.pollDue(-1), "nothing is due before the earliest deadline");
        long last = Long.MIN_VALUE;
        int count = 0;
        for (TimerQueue.Timer t; (t = q.pollDue(Long.MAX_VALUE / 2)) != null; count++) {
            assertTrue(t.deadlineNanos() >= last, "deadline order");
            last = t.deadlineNanos();
            assertFalse(((Named) t).name.isEmpty());
        }
        assertEquals(all.size() - (all.size() + 2) / 3, count);
    }
}
