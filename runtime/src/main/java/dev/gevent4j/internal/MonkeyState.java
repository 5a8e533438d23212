package dev.gevent4j.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the gevent4j agent patched in this JVM, as {@link dev.gevent4j.Monkey} reports it. Written once by the agent
 * at start-up (and as classes are transformed); read by anyone. Not API.
 */
public final class MonkeyState {
    private static volatile boolean attached;
    private static volatile Map<String, Boolean> options = Map.of();
    private static volatile List<String> allOptions = List.of();
    /** "class#method(descriptor)" → option it belongs to, in registry order. */
    private static volatile Map<String, String> patchOptions = Map.of();
    private static final Map<String, Boolean> TRANSFORMED = Collections.synchronizedMap(new LinkedHashMap<>());
    private static final Map<String, String> SKIPPED = Collections.synchronizedMap(new LinkedHashMap<>());

    private MonkeyState() {}

    /** Called by the agent once, before it installs any patch. */
    public static void agentStarted(List<String> validOptions, Map<String, Boolean> enabled,
                                    Map<String, String> patchToOption) {
        allOptions = List.copyOf(validOptions);
        options = Collections.unmodifiableMap(new LinkedHashMap<>(enabled));
        patchOptions = Collections.unmodifiableMap(new LinkedHashMap<>(patchToOption));
        attached = true;
    }

    /** The agent transformed the JDK method {@code patchId} ("class#method(descriptor)"). */
    public static void transformed(String patchId) {
        TRANSFORMED.put(patchId, Boolean.TRUE);
    }

    /** The agent could not apply {@code patchId}; {@code why} says what was missing. */
    public static void skipped(String patchId, String why) {
        SKIPPED.put(patchId, why);
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

    public static Map<String, String> skipped() {
        synchronized (SKIPPED) {
            return Map.copyOf(SKIPPED);
        }
    }
}
