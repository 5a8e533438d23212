package example;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import java.util.List;

public class Hello {
    public static void main(String[] args) {
        Greenlet<String> a = Gevent.spawn(() -> { Gevent.sleep(100); return "a"; });
        Greenlet<String> b = Gevent.spawn(() -> { Gevent.sleep(50); return "b"; });
        // both sleep at once on one hub thread: b ends first
        System.out.println(Gevent.joinAll(List.of(a, b)).stream().map(Greenlet::get).toList());
    }
}
