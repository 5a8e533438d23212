package dev.gevent4j.samples;

import dev.gevent4j.Greenlet;

/**
 * Python greenlet's classic first example: two greenlets hand control to each other explicitly with {@code switchTo}.
 * Prints {@code 12}, {@code 34}, {@code 56}, {@code 78}.
 */
public final class GreenletSwitching {
    private GreenletSwitching() {}

    static Greenlet<Void> gr1;
    static Greenlet<Void> gr2;

    public static void main(String[] args) {
        gr1 = new Greenlet<>(() -> {
            System.out.println("12");
            gr2.switchTo();
            System.out.println("56");
            gr2.switchTo();
        });
        gr2 = new Greenlet<>(() -> {
            System.out.println("34");
            gr1.switchTo();
            System.out.println("78");
        });
        gr1.switchTo(); // returns when gr2, whose parent is main, ends
        gr1.kill();     // gr1 is still suspended in its second switch; Python's GC would do this
    }
}
