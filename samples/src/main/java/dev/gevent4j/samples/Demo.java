package dev.gevent4j.samples;

/**
 * Runs the three style demos in turn — Python's classic first examples of asyncio, greenlet and gevent, in gevent4j:
 * {@link AsyncioStyle}, {@link GreenletSwitching}, {@link GeventSpawn}.
 */
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
