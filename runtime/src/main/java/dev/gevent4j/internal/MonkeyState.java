package dev.gevent4j.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gevent4j agent patched in this JVM, as {@link dev.gevent4j.Monkey} reports it. Written by the agent only:
 * once at start-up ({@link #agentStarted}), then as classes are transformed; read by anyone. Not API.
 *
 * <pre>{@code
 * MonkeyState.agentStarted(options, enabled, patchToOption);   // the agent's premain, once
 * MonkeyState.transformed("java.lang.Thread#start()V");        // the agent, per transformed method
 * }</pre>
 *
 * <p>The writers refuse ({@link IllegalCallerException}) any caller that is not a class of the agent's package
 * {@code dev.gevent4j.internal.agent} from the same code source as the one that started it, and a second
 * {@code agentStarted}: application code cannot make {@code Monkey.isPatched} lie. Nothing here blocks.
 */
public final class MonkeyState {
    /*
     * Why a caller check and not a module boundary: with the agent the runtime is on the bootstrap class path and
     * the agent on the system class path, both in unnamed modules, where a module-info is ignored (see
     * docs/architecture.md, "Internals stay internal"). The caller's class and code source are what is left.
     */
    private static final String AGENT_PACKAGE = "dev.gevent4j.internal.agent";
    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    /** Where the agent that started came from; its classes alone may write afterwards. */
    private static volatile java.security.CodeSource agentSource;

    private static volatile boolean attached;
    private static volatile Map<String, Boolean> options = Map.of();
    private static volatile List<String> allOptions = List.of();
    /** "class#method(descriptor)" → option it belongs to, in registry order. */
    private static volatile Map<String, String> patchOptions = Map.of();
    private static final Map<String, Boolean> TRANSFORMED = Collections.synchronizedMap(new LinkedHashMap<>());
    private static final Map<String, String> SKIPPED = Collections.synchronizedMap(new LinkedHashMap<>());

    private MonkeyState() {}

    /**
     * Called by the agent once, before it installs any patch.
     *
     * @throws IllegalCallerException if the caller is not the agent, or the agent already started
     */
    public static synchronized void agentStarted(List<String> validOptions, Map<String, Boolean> enabled,
                                                 Map<String, String> patchToOption) {
        Class<?> caller = WALKER.getCallerClass();
        if (!inAgentPackage(caller)) {
            throw new IllegalCallerException("MonkeyState is written by the gevent4j agent only, not by " + caller);
        }
        if (attached) {
            throw new IllegalCallerException("the gevent4j agent already started in this JVM");
        }
        agentSource = caller.getProtectionDomain().getCodeSource();
        allOptions = List.copyOf(validOptions);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(enabled));
        patchOptions = Collections.unmodifiableMap(new LinkedHashMap<>(patchToOption));
        attached = true;
    }

    /**
     * The agent transformed the JDK method {@code patchId} ("class#method(descriptor)").
     *
     * @throws IllegalCallerException if the caller is not the agent
     */
    public static void transformed(String patchId) {
        checkAgent(WALKER.getCallerClass());
        TRANSFORMED.put(patchId, Boolean.TRUE);
    }

    /**
     * The agent could not apply {@code patchId}; {@code why} says what was missing.
     *
     * @throws IllegalCallerException if the caller is not the agent
     */
    public static void skipped(String patchId, String why) {
        checkAgent(WALKER.getCallerClass());
        SKIPPED.put(patchId, why);
    }

    private static boolean inAgentPackage(Class<?> c) {
        return c.getPackageName().equals(AGENT_PACKAGE) || c.getPackageName().startsWith(AGENT_PACKAGE + ".");
    }

    /** The agent's classes only; once it started, only those from the code source it started from. */
    private static void checkAgent(Class<?> caller) {
        java.security.CodeSource started = agentSource;
        if (!inAgentPackage(caller)
                || (started != null && !started.equals(caller.getProtectionDomain().getCodeSource()))) {
            throw new IllegalCallerException("MonkeyState is written by the gevent4j agent only, not by " + caller);
        }
    }

    public static boolean attached() {
        return attached;
    }

    public static Map<String, Boolean> options() {
        return options;
    }

    public static List<String> allOptions() {
        return allOptions;
    }

    public static Map<String, String> patchOptions() {
        return patchOptions;
    }

    public static boolean isTransformed(String patchId) {
        return TRANSFORMED.containsKey(patchId);
    }

    // -- threads=true: which threads stay platform threads, and which greenlets run converted threads --------------
    // Written like the rest: platformThreads by the agent (its premain), the two lookups by its hooks, the classes
    // of its package in the boot jar (bootstrap class loader); anything else gets IllegalCallerException.

    private static volatile String platformThreads = "";
    private static volatile int hubs = 1;
    private static volatile java.util.function.Function<Object, Thread> convertedThreadOf = g -> null;
    private static volatile Object mainGreenlet;

    /**
     * Called by the agent at start-up: its {@code platformThreads} option, patterns joined by {@code |}.
     *
     * @throws IllegalCallerException if the caller is not the agent
     */
    public static void platformThreads(String patterns) {
        checkAgent(WALKER.getCallerClass());
        platformThreads = patterns == null ? "" : patterns;
    }

    /**
     * Called by the agent at start-up: its {@code hubs} option (how many hubs the application's threads are spread
     * over; 1: the default hub only).
     *
     * @throws IllegalCallerException if the caller is not the agent
     */
    public static void hubs(int n) {
        checkAgent(WALKER.getCallerClass());
        hubs = n;
    }

    /** The agent's {@code hubs} option (1 without the agent). */
    public static int hubs() {
        return hubs;
    }

    /** The agent's {@code platformThreads} option (patterns joined by {@code |}; empty: none). */
    public static String platformThreads() {
        return platformThreads;
    }

    /**
     * Registered by the agent's thread hooks: the application Thread a greenlet runs (threads=true), or null.
     *
     * @throws IllegalCallerException if the caller is not one of the agent's hooks
     */
    public static void convertedThreadLookup(java.util.function.Function<Object, Thread> lookup) {
        checkHooks(WALKER.getCallerClass());
        convertedThreadOf = lookup;
    }

    /**
     * Called by the agent's main=true hook: the greenlet that runs the application's {@code main}.
     *
     * @throws IllegalCallerException if the caller is not one of the agent's hooks
     */
    public static void mainGreenlet(Object g) {
        checkHooks(WALKER.getCallerClass());
        mainGreenlet = g;
    }

    /** Whether {@code g} is the greenlet that runs the application's {@code main} (agent option main=true). */
    public static boolean isMainGreenlet(Object g) {
        return g != null && g == mainGreenlet;
    }

    /** The application Thread that greenlet {@code g} runs as the agent's threads=true conversion, or null. */
    public static Thread convertedThreadOf(Object g) {
        return convertedThreadOf.apply(g);
    }

    /** The agent's hooks: its package, in the boot jar (the bootstrap class loader, where patched JDK code sees them). */
    private static void checkHooks(Class<?> caller) {
        if (!inAgentPackage(caller) || caller.getClassLoader() != null) {
            throw new IllegalCallerException("MonkeyState is written by the gevent4j agent only, not by " + caller);
        }
    }

    public static Map<String, String> skipped() {
        synchronized (SKIPPED) {
            return Map.copyOf(SKIPPED);
        }
    }
}
