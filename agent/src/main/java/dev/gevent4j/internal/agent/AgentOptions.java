package dev.gevent4j.internal.agent;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent's options, gevent's {@code patch_all(socket=True, ...)} for the JVM:
 * {@code -javaagent:gevent4j-agent.jar=threads=false,dns=true}. Each option is {@code name=true|false}; a bare
 * {@code name} means true. An unknown name or a value other than true/false is a start-up error that lists the valid
 * options.
 *
 * <p>One option takes a list instead: {@code platformThreads=grpc-*|*Boss*|com.example.NativeLoop} names threads that
 * {@code threads=true} must leave as platform threads (glob patterns, {@code *} and {@code ?}, matched against the
 * thread's name, the class of the thread or any of its superclasses, and the class that starts it). Options are
 * separated by commas, so the patterns are separated by {@code |} or {@code ;}; the option may also be repeated
 * ({@code platformThreads=a*,platformThreads=b*}).
 *
 * <p>One option takes a number: {@code hubs=N} (1 to 4096, or {@code hubs=cores} for
 * {@code Runtime.availableProcessors()}; default 1) spreads the application's threads ({@code threads=true}) over a
 * group of N hubs instead of running them all on the default hub (docs/agent.md).
 *
 * <pre>{@code
 * AgentOptions o = AgentOptions.parse("threads=false");
 * o.enabled("socket");   // true (default)
 * }</pre>
 *
 * <p>Nothing here blocks: timeout, interrupt and kill do not apply.
 */
public final class AgentOptions {
    /** Every option, in the order the start-up error lists them, with its default. */
    public static final Map<String, Boolean> DEFAULTS;

    static {
        Map<String, Boolean> d = new LinkedHashMap<>();
        d.put("socket", true);   // socket and selector readiness waits → the hub's loop
        d.put("sleep", true);    // timed parks (sleep, parkNanos, timed j.u.c. waits) → the hub's timers
        d.put("park", true);     // kill/Timeout raised at every park point of a greenlet
        d.put("dns", true);      // InetAddress lookups → a thread pool while the greenlet parks
        // FileInputStream/FileOutputStream on pipes and ttys → the hub, regular files → the hub's thread pool (a
        // greenlet pinned to the hub thread, e.g. in a class initializer, runs the JDK's blocking call instead)
        d.put("files", true);
        d.put("threads", true);  // Thread.start() of application threads → a greenlet
        d.put("main", false);    // the application's main runs as a greenlet of the default hub (off: start-up cost)
        d.put("verbose", false); // print every patch at start-up
        DEFAULTS = java.util.Collections.unmodifiableMap(d);
    }

    /** Options whose value is a list of patterns rather than true/false, with their defaults (empty: none). */
    public static final Map<String, String> LISTS = Map.of("platformThreads", "");

    /** Options whose value is a number, with their defaults. */
    public static final Map<String, Integer> NUMBERS = Map.of("hubs", Runtime.getRuntime().availableProcessors());

    /** The largest {@code hubs=N} (HubGroup's own limit). */
    static final int MAX_HUBS = 4096;

    private final Map<String, Boolean> values;
    private final Map<String, String> lists;
    private final Map<String, Integer> numbers;

    private AgentOptions(Map<String, Boolean> values, Map<String, String> lists, Map<String, Integer> numbers) {
        this.values = values;
        this.lists = lists;
        this.numbers = numbers;
    }

    private static String validOptions() {
        return String.join(", ", DEFAULTS.keySet()) + " (each =true or =false), platformThreads=<glob>|<glob>..., "
                + "and hubs=<1 to " + MAX_HUBS + "> or hubs=cores";
    }

    private static int hubsValue(String value) {
        int cores = Runtime.getRuntime().availableProcessors();
        if (value.equals("cores")) {
            return cores;
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_HUBS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new IllegalArgumentException("gevent4j agent: option hubs=" + value + " is not valid: use hubs=N with"
                + " N from 1 to " + MAX_HUBS + ", or hubs=cores (here " + cores + ")");
    }

    /**
     * Parses the agent argument (null or empty: all defaults).
     *
     * @throws IllegalArgumentException naming the bad option or value and listing the valid ones
     */
    public static AgentOptions parse(String args) {
        Map<String, Boolean> v = new LinkedHashMap<>(DEFAULTS);
        Map<String, String> l = new LinkedHashMap<>(LISTS);
        Map<String, Integer> nums = new LinkedHashMap<>(NUMBERS);
        boolean afterList = false;
        if (args != null && !args.isBlank()) {
            for (String part : args.split(",")) {
                String p = part.trim();
                if (p.isEmpty()) {
                    continue;
                }
                int eq = p.indexOf('=');
                String name = (eq < 0 ? p : p.substring(0, eq)).trim();
                String value = eq < 0 ? "true" : p.substring(eq + 1).trim();
                if (LISTS.containsKey(name)) {
                    if (eq < 0 || patterns(value).isEmpty()) {
                        throw new IllegalArgumentException("gevent4j agent: option " + name + " needs thread name or "
                                + "class patterns, e.g. " + name + "=grpc-*|*Boss*|com.example.NativeLoop");
                    }
                    String before = l.get(name);
                    l.put(name, before.isEmpty() ? value : before + "|" + value);
                    afterList = true;
                    continue;
                }
                if (NUMBERS.containsKey(name)) {
                    nums.put(name, hubsValue(eq < 0 ? "" : value));
                    afterList = false;
                    continue;
                }
                if (!DEFAULTS.containsKey(name)) {
                    String hint = afterList && eq < 0
                            ? " (patterns of platformThreads are separated by '|' or ';', not by ',')" : "";
                    throw new IllegalArgumentException("gevent4j agent: unknown option '" + name + "' in '" + args
                            + "'" + hint + "; valid options are: " + validOptions());
                }
                afterList = false;
                if (!value.equals("true") && !value.equals("false")) {
                    throw new IllegalArgumentException("gevent4j agent: option " + name + "=" + value
                            + " is not valid: use " + name + "=true or " + name + "=false");
                }
                v.put(name, Boolean.parseBoolean(value));
            }
        }
        return new AgentOptions(v, l, nums);
    }

    /** The patterns of a list option ({@code platformThreads}): split on {@code |} and {@code ;}, blanks dropped. */
    public static List<String> patterns(String value) {
        List<String> out = new java.util.ArrayList<>();
        for (String s : value.split("[|;]")) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
        }
        return List.copyOf(out);
    }

    /** The value of a list option, its patterns joined by {@code |} (empty: none). */
    public String list(String name) {
        String s = lists.get(name);
        if (s == null) {
            throw new IllegalArgumentException("not a list option of the agent: " + name);
        }
        return String.join("|", patterns(s));
    }

    /** The value of a number option ({@code hubs}). */
    public int number(String name) {
        Integer n = numbers.get(name);
        if (n == null) {
            throw new IllegalArgumentException("not a number option of the agent: " + name);
        }
        return n;
    }

    public boolean enabled(String name) {
        Boolean b = values.get(name);
        if (b == null) {
            throw new IllegalArgumentException("not an agent option: " + name);
        }
        return b;
    }

    public Map<String, Boolean> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    public static List<String> names() {
        return List.copyOf(DEFAULTS.keySet());
    }
}
