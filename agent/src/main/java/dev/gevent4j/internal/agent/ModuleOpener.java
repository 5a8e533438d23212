package dev.gevent4j.internal.agent;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * Opens the java.base packages the runtime and the hooks use — to the bootstrap class path's unnamed module (the
 * runtime, Netty, the hooks) and to the agent's own module — with {@link Instrumentation#redefineModule}, and
 * enables native access for unnamed modules (Netty's epoll library), so that no {@code --add-opens} or
 * {@code --enable-native-access} flag is needed and the JVM prints no warning.
 *
 * <pre>{@code
 * ModuleOpener.open(inst, bootModule, AgentMain.class.getModule());
 * }</pre>
 */
final class ModuleOpener {
    /** java.base packages opened (deep reflection and access). */
    static final String[] PACKAGES = {
        "java.lang", "java.io", "java.net", "java.nio", "java.util.concurrent", "java.util.concurrent.locks",
        "jdk.internal.access", "jdk.internal.misc", "jdk.internal.vm", "jdk.internal.ref", "sun.nio.ch",
        "sun.nio.fs", // the files hooks: fstat of an fd (regular file or not)
    };

    private ModuleOpener() {}

    /**
     * Step 1, before the boot jar exists: the agent's own module gets jdk.internal.access (to enable native access
     * for unnamed modules: Netty's epoll library) and the two packages of the natives {@link QuietStderr} calls.
     */
    static void openToAgent(Instrumentation inst) {
        Module base = Object.class.getModule();
        Set<Module> to = Set.of(ModuleOpener.class.getModule());
        Map<String, Set<Module>> pkgs = Map.of("jdk.internal.access", to, "sun.nio.fs", to, "sun.nio.ch", to);
        inst.redefineModule(base, Set.of(), pkgs, pkgs, Set.of(), Map.of());
        // --enable-native-access=ALL-UNNAMED
        jdk.internal.access.SharedSecrets.getJavaLangAccess().addEnableNativeAccessToAllUnnamed();
    }

    /** Step 2: the packages the runtime and the hooks use, opened to {@code targets}. */
    static void open(Instrumentation inst, Module... targets) {
        Module base = Object.class.getModule();
        Set<Module> to = Set.of(targets);
        Map<String, Set<Module>> opens = new java.util.HashMap<>();
        for (String p : PACKAGES) {
            opens.put(p, to);
        }
        inst.redefineModule(base, Set.of(), opens, opens, Set.of(), Map.of());
    }
}
