package dev.gevent4j.samples;

import dev.gevent4j.Gevent;

/**
 * Python asyncio's classic first example, {@code loop.run_until_complete(cor1())} where cor1 awaits cor2. In gevent4j a
 * "coroutine" is plain code running in a greenlet, and awaiting another is simply calling it.
 * Prints {@code cor1 start}, {@code cor2}, {@code cor1 end}.
 */
public final class AsyncioStyle {
    private AsyncioStyle() {}

    static void cor1() {
        System.out.println("cor1 start");
        cor2();
        System.out.println("cor1 end");
    }

    static void cor2() {
        System.out.println("cor2");
    }

    public static void main(String[] args) {
        Gevent.run(() -> {
            cor1();
            return null;
        });
    }
}
