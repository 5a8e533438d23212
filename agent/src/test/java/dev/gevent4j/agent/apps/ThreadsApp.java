package dev.gevent4j.agent.apps;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Plain Thread and ExecutorService code; under the agent with threads=true its threads are greenlets. */
public final class ThreadsApp {
    public static void main(String[] args) throws Exception {
        // A started thread runs concurrently with its starter (under the agent too: no start is held), so the worker
        // waits for main's "after start" line to keep the output in one order.
        java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try {
                printed.await();
            } catch (InterruptedException e) {
                System.out.println("unexpected interrupt");
            }
            Thread me = Thread.currentThread();
            System.out.println("in " + me.getName() + " virtual=" + me.isVirtual());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                System.out.println("unexpected interrupt");
            }
        }, "worker-1");
        System.out.println("before start: " + t.getState() + " alive=" + t.isAlive());
        t.start();
        Thread.State started = t.getState(); // RUNNABLE, or WAITING once it runs into the latch: both are started
        System.out.println("after start: " + (started == Thread.State.RUNNABLE || started == Thread.State.WAITING
                ? "started" : started) + " alive=" + t.isAlive());
        printed.countDown();
        t.join();
        System.out.println("after join: " + t.getState() + " alive=" + t.isAlive());
        try {
            t.start();
            System.out.println("restarted?!");
        } catch (IllegalThreadStateException e) {
            System.out.println("second start refused");
        }
        Thread sleeper = new Thread(() -> {
            try {
                Thread.sleep(30_000);
                System.out.println("not interrupted");
            } catch (InterruptedException e) {
                System.out.println("sleeper interrupted");
            }
        }, "sleeper");
        sleeper.start();
        while (sleeper.getState() != Thread.State.TIMED_WAITING) {
            Thread.sleep(1);
        }
        sleeper.interrupt();
        System.out.println("sleeper joined: " + sleeper.join(Duration.ofSeconds(10)));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Future<Boolean> f = pool.submit(() -> Thread.currentThread().isVirtual());
        System.out.println("pool task on a virtual thread: " + f.get());
        pool.shutdown();
        System.out.println("pool terminated: " + pool.awaitTermination(10, TimeUnit.SECONDS));
        Thread failing = new Thread(() -> {
            throw new IllegalStateException("boom");
        }, "failing");
        failing.setUncaughtExceptionHandler((th, e) -> System.out.println("uncaught in " + th.getName() + ": "
                + e.getMessage()));
        failing.start();
        failing.join();
        new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
            System.out.println("non-daemon thread outlived main");
        }).start();
        System.out.println("main ends");
    }
}
