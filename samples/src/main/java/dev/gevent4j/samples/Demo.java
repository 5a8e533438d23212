package dev.gevent4j.samples;

/** Runs the seed's three programs in turn: asyncio style, greenlet switching, gevent spawn + joinAll. */
public final class Demo {
    private Demo() {}

    public static void main(String[] args) {
        System.out.println("== asyncio style: Gevent.run");
        AsyncioStyle.main(args);
        System.out.println("== greenlet switching: switchTo");
        GreenletSwitching.main(args);
        System.out.println("== gevent: spawn + joinAll + sleep(0)");
        GeventSpawn.main(args);
    }
}
