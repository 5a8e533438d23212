package dev.gevent4j.juc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import dev.gevent4j.Hub;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * java.util.concurrent's blocking calls yield to the hub: two greenlets on ONE hub (one carrier thread) interleave
 * through each of them. If a wait held the carrier instead of parking the greenlet, the other greenlet could never
 * run and the test would hang until its timeout.
 */
@Timeout(30)
class JucCooperationTest {

    @Test
    void countDownLatch() {
        List<String> log = new ArrayList<>();
        CountDownLatch first = new CountDownLatch(1);
        CountDownLatch second = new CountDownLatch(1);
        run(() -> {
            log.add("A waits");
            first.await();
            log.add("A resumed");
            second.countDown();
            return null;
        }, () -> {
            log.add("B counts down");
            first.countDown();
            second.await();
            log.add("B resumed");
            return null;
        });
        assertEquals(List.of("A waits", "B counts down", "A resumed", "B resumed"), log);
    }

    @Test
    void reentrantLock() {
        List<String> log = new ArrayList<>();
        ReentrantLock lock = new ReentrantLock();
        CountDownLatch bHasLock = new CountDownLatch(1);
        run(() -> {
            bHasLock.await(); // B takes the lock first
            log.add("A wants the lock");
            lock.lock();      // parks until B unlocks
            try {
                log.add("A has the lock");
            } finally {
                lock.unlock();
            }
            return null;
        }, () -> {
            lock.lock();
            try {
                bHasLock.countDown();
                log.add("B holds the lock");
                Gevent.sleep(0); // let A run and block on the lock
                log.add("B releases");
            } finally {
                lock.unlock();
            }
            return null;
        });
        assertEquals(List.of("B holds the lock", "A wants the lock", "B releases", "A has the lock"), log);
    }

    @Test
    void semaphore() {
        List<String> log = new ArrayList<>();
        Semaphore sem = new Semaphore(0);
        run(() -> {
            log.add("A acquires");
            sem.acquire();
            log.add("A acquired");
            return null;
        }, () -> {
            log.add("B releases");
            sem.release();
            return null;
        });
        assertEquals(List.of("A acquires", "B releases", "A acquired"), log);
    }

    @Test
    void arrayBlockingQueuePingPong() {
        List<String> log = new ArrayList<>();
        ArrayBlockingQueue<String> toB = new ArrayBlockingQueue<>(1);
        ArrayBlockingQueue<String> toA = new ArrayBlockingQueue<>(1);
        run(() -> {
            for (int i = 0; i < 3; i++) {
                toB.put("ping" + i);
                log.add("A got " + toA.take());
            }
            return null;
        }, () -> {
            for (int i = 0; i < 3; i++) {
                String s = toB.take();
                log.add("B got " + s);
                toA.put("pong" + i);
            }
            return null;
        });
        assertEquals(List.of("B got ping0", "A got pong0", "B got ping1", "A got pong1", "B got ping2",
                "A got pong2"), log);
    }

    @Test
    void completableFutureGet() {
        List<String> log = new ArrayList<>();
        CompletableFuture<String> f = new CompletableFuture<>();
        run(() -> {
            log.add("A waits");
            log.add("A got " + f.get());
            return null;
        }, () -> {
            log.add("B completes");
            f.complete("value");
            return null;
        });
        assertEquals(List.of("A waits", "B completes", "A got value"), log);
    }

    @Test
    void synchronizedWithObjectWait() {
        List<String> log = new ArrayList<>();
        Object monitor = new Object();
        boolean[] ready = new boolean[1];
        run(() -> {
            synchronized (monitor) {
                log.add("A waits");
                while (!ready[0]) {
                    monitor.wait();
                }
                log.add("A notified");
            }
            return null;
        }, () -> {
            synchronized (monitor) { // A released the monitor in wait()
                log.add("B notifies");
                ready[0] = true;
                monitor.notifyAll();
            }
            return null;
        });
        assertEquals(List.of("A waits", "B notifies", "A notified"), log);
    }

    /** Runs A and B as greenlets of one new hub; checks they shared its single carrier thread. */
    private static void run(Callable<Void> a, Callable<Void> b) {
        try (Hub hub = Hub.create()) {
            List<Thread> carriers = new ArrayList<>();
            hub.spawn(() -> {
                Greenlet<Void> ga = Gevent.spawn(() -> {
                    carriers.add(carrier(hub));
                    return a.call();
                });
                Greenlet<Void> gb = Gevent.spawn(() -> {
                    carriers.add(carrier(hub));
                    return b.call();
                });
                Gevent.joinAllOrRaise(List.of(ga, gb));
                return null;
            }).get();
            assertEquals(List.of(hub.thread(), hub.thread()), carriers);
        }
    }

    private static Thread carrier(Hub hub) {
        return hub.inHub() ? hub.thread() : Thread.currentThread();
    }
}
