package dev.gevent4j.samples;

import dev.gevent4j.Gevent;
import java.util.List;

/**
 * Python gevent's classic first example: two greenlets each print, yield with {@code sleep(0)}, and print again.
 * Prints {@code www.baidu.com}, {@code www.zhihu.com}, {@code end the baidu.com}, {@code end th zhihu.com}.
 */
public final class GeventSpawn {
    private GeventSpawn() {}

    static void fun1() {
        System.out.println("www.baidu.com");   // step 1
        Gevent.sleep(0);
        System.out.println("end the baidu.com"); // step 3
    }

    static void fun2() {
        System.out.println("www.zhihu.com");   // step 2
        Gevent.sleep(0);
        System.out.println("end th zhihu.com");  // step 4
    }

    public static void main(String[] args) {
        Gevent.joinAll(List.of(
                Gevent.spawn(GeventSpawn::fun1),
                Gevent.spawn(GeventSpawn::fun2)));
    }
}
