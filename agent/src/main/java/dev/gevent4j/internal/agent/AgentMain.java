package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.MonkeyState;
import java.lang.instrument.Instrumentation;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent's entry point ({@code Premain-Class} and {@code Agent-Class} of gevent4j-agent.jar):
 * {@code java -javaagent:gevent4j-agent.jar[=option=value,...] -jar app.jar}.
 *
 * <p>Start-up, in this order: parse the options (an unknown one aborts start-up with the list of valid ones); open
 * the agent's cache ({@link AgentCache}); append the boot jar (from the cache) to the bootstrap class path; open
 * java.base to it; record the options for {@link dev.gevent4j.Monkey}; install the enabled patches of
 * {@link PatchRegistry} ({@link PatchInstaller}). Nothing of the runtime is loaded before the boot jar is appended,
 * so the application and the agent share one copy of it. {@code -Dgevent4j.agent.timing=true} prints how long each
 * step took ({@link StartupTiming}); docs/agent.md has the figures.
 */
public final class AgentMain {
    private AgentMain() {}

    public static void premain(String args, Instrumentation inst) {
        start(args, inst);
    }

    public static void agentmain(String args, Instrumentation inst) {
        start(args, inst);
    }

    private static void start(String args, Instrumentation inst) {
        StartupTiming.step("premain entered");
        AgentOptions options;
        try {
            options = AgentOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            throw e;
        }
        // Before Byte Buddy loads: no sun.misc.Unsafe use, hence no JVM warning about it.
        System.setProperty("net.bytebuddy.safe", "true");
        System.setProperty("dev.gevent4j.internal.agent.shaded.bytebuddy.safe", "true");
        AgentCache cache;
        try {
            ModuleOpener.openToAgent(inst);
            StartupTiming.step("options, java.base opened");
            cache = AgentCache.open(BootJar.agentJar());
            StartupTiming.step("cache opened");
            QuietStderr.during(new BootJar(inst, cache));
            StartupTiming.step("boot jar appended");
            Module boot = Class.forName("dev.gevent4j.internal.MonkeyState", false, null).getModule();
            ModuleOpener.open(inst, boot, AgentMain.class.getModule());
        } catch (Exception e) {
            throw new IllegalStateException("gevent4j agent: start-up failed: " + e, e);
        }
        Map<String, String> patchOptions = new LinkedHashMap<>();
        for (Patch p : PatchRegistry.ALL) {
            patchOptions.put(p.id(), p.option());
        }
        MonkeyState.agentStarted(AgentOptions.names(), options.asMap(), patchOptions);
        MonkeyState.platformThreads(options.list("platformThreads"));
        MonkeyState.hubs(options.number("hubs"));
        StartupTiming.step("registry and its advice classes loaded");
        PatchInstaller.install(inst, PatchRegistry.ALL, options, cache, System.err);
        if (options.enabled("main")) {
            MainPatch.install(inst, cache, System.err);
        }
        if (options.enabled("verbose")) {
            for (Map.Entry<String, Boolean> e : dev.gevent4j.Monkey.patches().entrySet()) {
                System.err.println("gevent4j agent: " + (e.getValue() ? "patched " : "NOT patched ") + e.getKey());
            }
        }
        StartupTiming.print();
    }
}
