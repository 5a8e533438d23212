package dev.gevent4j.agent.apps;

import dev.gevent4j.Gevent;
import dev.gevent4j.Greenlet;
import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * Under the agent: one greenlet reads a line from System.in (a pipe from the test) while another prints "tick N"
 * every 5 ms until the line arrives. Prints "reading", the ticks, then "got LINE".
 */
public final class StdinApp {
    public static void main(String[] args) throws Exception {
        Greenlet<String> reader = Gevent.spawn(() -> {
            System.out.println("reading");
            return new BufferedReader(new InputStreamReader(System.in)).readLine();
        });
        Gevent.spawn(() -> {
            int n = 0;
            while (!reader.isDead()) {
                System.out.println("tick " + ++n);
                Thread.sleep(5);
            }
            return null;
        });
        System.out.println("got " + reader.get());
    }
}
