package dev.gevent4j.agent.apps;

import java.io.BufferedReader;
import java.io.InputStreamReader;

/**
 * An application thread ("stdin-loop-1") that waits in a native call the agent does not patch: a read of
 * System.in with the agent's {@code files=false}. As a greenlet it holds the hub thread until a line arrives; with
 * {@code platformThreads=stdin-loop-*} it is a platform thread. Prints "virtual=&lt;bool&gt;" then "got &lt;line&gt;".
 * With the argument {@code main}, main reads System.in itself.
 */
public final class NativeWaitApp {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("main")) { // main itself reads (a greenlet with main=true)
            System.out.println("virtual=" + Thread.currentThread().isVirtual());
            System.out.println("got " + new BufferedReader(new InputStreamReader(System.in)).readLine());
            return;
        }
        Thread reader = new Thread(() -> {
            System.out.println("virtual=" + Thread.currentThread().isVirtual());
            try {
                System.out.println("got " + new BufferedReader(new InputStreamReader(System.in)).readLine());
            } catch (java.io.IOException e) {
                System.out.println("failed " + e);
            }
        }, "stdin-loop-1");
        reader.start();
        reader.join();
    }
}
