package dev.gevent4j;

import dev.gevent4j.internal.MonkeyState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Introspection of the gevent4j agent's patches (gevent's {@code monkey.is_module_patched}): code that wants to know
 * whether its blocking calls yield to the hub can ask here.
 *
 * <pre>{@code
 * if (!Monkey.isPatched("socket")) {
 *     System.err.println("run with -javaagent:gevent4j-agent.jar for cooperative sockets");
 * }
 * Monkey.patches();   // {"sun.nio.ch.Poller#poll(IIJLjava/util/function/BooleanSupplier;)V" -> true, ...}
 * }</pre>
 *
 * <p>Without the agent every query answers false and {@link #patches()} is empty. Nothing here blocks, so timeout,
 * interrupt and kill do not apply. The patches themselves are listed in docs/agent.md.
 */
public final class Monkey {
    private Monkey() {}

    /** Whether the gevent4j agent ({@code -javaagent:gevent4j-agent.jar}) is attached to this JVM. */
    public static boolean isAgentAttached() {
        return MonkeyState.attached();
    }

    /**
     * Whether the agent option {@code option} (for example {@code "socket"}, {@code "sleep"}, {@code "threads"}) is
     * on and every JDK method it patches was transformed.
     *
     * @throws IllegalArgumentException if the agent is attached and {@code option} is not one of its options (the
     *                                  message lists them)
     */
    public static boolean isPatched(String option) {
        Objects.requireNonNull(option, "option");
        if (!MonkeyState.attached()) {
            return false;
        }
        Boolean on = MonkeyState.options().get(option);
        if (on == null) {
            throw new IllegalArgumentException("unknown gevent4j agent option '" + option + "': valid options are "
                    + MonkeyState.allOptions());
        }
        if (!on) {
            return false;
        }
        for (Map.Entry<String, String> e : MonkeyState.patchOptions().entrySet()) {
            if (e.getValue().equals(option) && !MonkeyState.isTransformed(e.getKey())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the JDK method {@code className#methodName} (any overload the agent patches) has been transformed, for
     * example {@code isPatched("java.lang.Thread", "sleep")}.
     */
    public static boolean isPatched(String className, String methodName) {
        Objects.requireNonNull(className, "className");
        Objects.requireNonNull(methodName, "methodName");
        String prefix = className + "#" + methodName + "(";
        for (String id : MonkeyState.patchOptions().keySet()) {
            if (id.startsWith(prefix) && MonkeyState.isTransformed(id)) {
                return true;
            }
        }
        return false;
    }

    /** Every JDK method of the agent's registry ("class#method(descriptor)") and whether it is transformed now. */
    public static Map<String, Boolean> patches() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        for (String id : MonkeyState.patchOptions().keySet()) {
            m.put(id, MonkeyState.isTransformed(id));
        }
        return m;
    }

    /** The agent's options and whether each is on; empty without the agent. */
    public static Map<String, Boolean> options() {
        return MonkeyState.options();
    }

    /** Registry entries the agent skipped at start-up because this JDK lacks them, with the reason. */
    public static Map<String, String> skipped() {
        return MonkeyState.skipped();
    }

    /** The agent's option names, in the order its start-up error lists them; empty without the agent. */
    public static List<String> optionNames() {
        return MonkeyState.allOptions();
    }
}
