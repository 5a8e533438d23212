package dev.gevent4j.internal.agent.hooks;

import dev.gevent4j.internal.MonkeyState;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The parts of {@code threads=true}'s choice "greenlet or platform thread?" that are about names: Netty's threads in
 * any shading, and the user's {@code platformThreads} patterns. {@link ThreadGreenlets#isApplicationThread} asks
 * here; everything else of that choice (JDK threads and starters, the starter's stack) stays there.
 *
 * <pre>{@code
 * ThreadKinds.isNettyThread(t.getClass());   // true for io.grpc.netty.shaded.io.netty...FastThreadLocalThread too
 * ThreadKinds.userPattern(t, starter);       // "grpc-*" if -javaagent:...=platformThreads=grpc-* names t
 * }</pre>
 *
 * <p>Why Netty's threads stay platform threads in every shading: a Netty event loop waits in its own native
 * {@code epoll_wait} (JNI, not a JDK call the agent can patch), and a greenlet in a native frame cannot unmount, so
 * that wait would hold the hub thread until an event arrives — for gRPC's boss loop, for good (issue #14). The same
 * holds for any library with its own native loop: {@code platformThreads} is the way to name those.
 *
 * <p>Nothing here blocks: timeout, interrupt and kill do not apply.
 */
final class ThreadKinds {
    private ThreadKinds() {}

    /** A class of Netty, relocated or not: {@code io.netty.*} or {@code <anything>.io.netty.*}. */
    static boolean isNettyName(String className) {
        return className.startsWith("io.netty.") || className.contains(".io.netty.");
    }

    /**
     * Whether the thread class {@code c} or one of its superclasses is Netty's, in any shading (gRPC's
     * {@code io.grpc.netty.shaded.io.netty.util.concurrent.FastThreadLocalThread}, a subclass of it, ...).
     */
    static boolean isNettyThread(Class<?> c) {
        for (Class<?> k = c; k != null && k != Thread.class; k = k.getSuperclass()) {
            if (isNettyName(k.getName())) {
                return true;
            }
        }
        return false;
    }

    private record Compiled(String source, List<Pattern> patterns, List<String> globs) {}

    private static volatile Compiled compiled = new Compiled("", List.of(), List.of());

    /**
     * The first {@code platformThreads} pattern that names {@code t} — by its name, the name of its class or of a
     * superclass (not {@code java.lang.Thread} itself), or the name of {@code starter} (the first non-JDK class on
     * the starter's stack, may be null) — or null if none does.
     */
    static String userPattern(Thread t, Class<?> starter) {
        Compiled c = patterns();
        if (c.patterns.isEmpty()) {
            return null;
        }
        for (int i = 0; i < c.patterns.size(); i++) {
            Pattern p = c.patterns.get(i);
            boolean hit = p.matcher(t.getName()).matches() || (starter != null && p.matcher(starter.getName()).matches());
            for (Class<?> k = t.getClass(); !hit && k != null && k != Thread.class; k = k.getSuperclass()) {
                hit = p.matcher(k.getName()).matches();
            }
            if (hit) {
                return c.globs.get(i);
            }
        }
        return null;
    }

    private static Compiled patterns() {
        String source = MonkeyState.platformThreads();
        Compiled c = compiled;
        if (!c.source.equals(source)) {
            List<Pattern> ps = new ArrayList<>();
            List<String> gs = new ArrayList<>();
            for (String g : source.split("[|;]")) {
                if (!g.isBlank()) {
                    gs.add(g.trim());
                    ps.add(glob(g.trim()));
                }
            }
            c = new Compiled(source, List.copyOf(ps), List.copyOf(gs));
            compiled = c;
        }
        return c;
    }

    /** {@code *} any run of characters, {@code ?} one character, everything else literal. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder lit = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            if (ch == '*' || ch == '?') {
                if (!lit.isEmpty()) {
                    re.append(Pattern.quote(lit.toString()));
                    lit.setLength(0);
                }
                re.append(ch == '*' ? ".*" : ".");
            } else {
                lit.append(ch);
            }
        }
        if (!lit.isEmpty()) {
            re.append(Pattern.quote(lit.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
