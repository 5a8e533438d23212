package dev.gevent4j;

/**
 * What the monitor's stall report says about a greenlet that holds its hub thread in a native frame: a JNI call the
 * gevent4j agent does not patch (a library's own epoll loop, a native driver), which a virtual thread cannot
 * unmount from, so nothing else on that hub runs until it returns. When the greenlet runs an application thread the
 * agent converted ({@code threads=true}), the way out is to keep that thread a platform thread: the report names
 * the agent option {@code platformThreads} with a pattern for it; for the application's {@code main} run as a
 * greenlet ({@code main=true}) it names {@code main=false}.
 *
 * <pre>{@code
 * hub default has not returned to its loop for 5003 ms (threshold 100 ms): greenlet grpc-default-boss-ELG-1-1 is in
 * native code (...Native.epollWait) ... keep it a platform thread: -javaagent:gevent4j-agent.jar=platformThreads=grpc-default-boss-ELG-*
 * }</pre>
 *
 * <p>Nothing here blocks: timeout, interrupt and kill do not apply.
 */
final class NativeWaitAdvice {
    private NativeWaitAdvice() {}

    /**
     * The report's "what" for a greenlet whose top frame {@code top} is native; {@code converted} is the application
     * thread it runs (threads=true), or null; {@code main} whether it runs the application's main (main=true).
     */
    static String what(StackTraceElement top, Thread converted, boolean main) {
        String where = top.getClassName() + "." + top.getMethodName();
        String s = "is in native code (" + where + ") and holds the hub thread: a greenlet cannot unmount from a "
                + "native frame, so nothing else on this hub runs until that call returns";
        if (jdkComputation(top)) {
            return "is in native code (" + where + "), CPU work of the JDK (class loading, decompression, reflection), "
                    + "not a wait, and holds the hub thread meanwhile";
        }
        if (main) {
            return s + "; it is the application's main, which the gevent4j agent runs as a greenlet (main=true): if "
                    + "main waits in native code (a JNI library's loop), run it on the JVM's main thread with the "
                    + "agent option main=false (-javaagent:gevent4j-agent.jar=main=false)";
        }
        if (converted == null) {
            return s + "; if that call waits (a JNI library's I/O or event loop) rather than computes, make it from a "
                    + "platform thread (e.g. a thread pool) instead of a greenlet";
        }
        String cls = converted.getClass() == Thread.class ? "" : " (" + converted.getClass().getName() + ")";
        return s + "; it is the application thread '" + converted.getName() + "'" + cls + ", which the gevent4j agent "
                + "runs as a greenlet (threads=true): if that thread waits in its own native loop (epoll, a JNI "
                + "library), keep it a platform thread with the agent option platformThreads="
                + suggestion(converted) + " (-javaagent:gevent4j-agent.jar=platformThreads=<name or class glob>|...)";
    }

    /**
     * The report's "what" for a greenlet caught in {@code Continuation.doYield} (see {@link #unmounting}): it is
     * parking, and the JDK is copying its frames off the hub thread.
     */
    static final String UNMOUNTING = "is unmounting (jdk.internal.vm.Continuation.doYield: the JDK copies the "
            + "greenlet's frames off the hub thread as it parks); a stall there is a garbage-collection pause or a "
            + "very deep stack being copied, not code the greenlet runs";

    /**
     * Whether the top frame is the JDK's yield of a virtual thread: a native frame, yet not a native call that holds
     * the hub, and the thread may already report itself WAITING while it is still mounted.
     */
    static boolean unmounting(StackTraceElement top) {
        return top.getClassName().equals("jdk.internal.vm.Continuation") && top.getMethodName().equals("doYield");
    }

    /** JDK natives that compute rather than wait: no option would help, and none is named. */
    private static final String[] JDK_COMPUTATION = {"java.lang.ClassLoader.", "jdk.internal.loader.",
        "java.util.zip.", "java.lang.Class.", "java.lang.invoke.", "java.lang.reflect.", "jdk.internal.reflect.",
        "jdk.internal.misc.Unsafe.", "java.lang.Throwable.", "java.lang.StackStreamFactory", "java.lang.String."};

    static boolean jdkComputation(StackTraceElement top) {
        String m = top.getClassName() + "." + top.getMethodName();
        for (String p : JDK_COMPUTATION) {
            if (m.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** A pattern for {@code t}: its name with a trailing counter replaced by '*', or its class if the name is bare. */
    static String suggestion(Thread t) {
        String name = t.getName();
        String pattern = name.replaceAll("[0-9][-0-9]*$", "*");
        if (pattern.equals("*") || pattern.isBlank()) {
            return t.getClass() == Thread.class ? name : t.getClass().getName();
        }
        return pattern;
    }
}
