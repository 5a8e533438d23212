package dev.gevent4j.bench.macro;

/**
 * Workload 9's program: hello world, nothing else, so that a JVM's start-up is all that is measured (see
 * {@code dev.gevent4j.bench.Startup}).
 *
 * <pre>{@code
 * java -javaagent:agent/target/gevent4j-agent.jar -cp benchmarks/target/startup/classes dev.gevent4j.bench.macro.Hello
 * }</pre>
 *
 * <p>Nothing blocks: no timeout, interrupt or kill applies.
 */
public final class Hello {
    private Hello() {}

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
