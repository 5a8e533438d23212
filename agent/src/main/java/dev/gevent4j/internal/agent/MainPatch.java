package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.agent.hooks.MainGreenlet;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Agent option {@code main=true}: patches the application's main class so that its static {@code main} runs as a
 * greenlet ({@link MainGreenlet}). The main class is the launcher's: the first word of {@code sun.java.command}
 * ({@code java pkg.Main}, {@code java -m mod/pkg.Main}) or the {@code Main-Class} of the jar ({@code java -jar}).
 * Source-file mode ({@code java App.java}), instance main methods and a late attach are not covered: there
 * {@code main} stays on the JVM's main thread (a converted application thread's waits still yield).
 *
 * <pre>{@code
 * MainPatch.install(inst, cache, System.err);   // before the launcher loads the main class
 * }</pre>
 *
 * <p>The advice is inlined as the registry's are ({@link PatchInstaller.Weaver}) and the patched class is kept in the
 * agent's cache, keyed by the main class's bytes: a JVM that starts the same application again loads no Byte Buddy.
 * Unless {@code gevent4j.jmx} is set, it is set to {@code lazy}: the hub started for {@code main} registers its
 * MBeans in the background.
 */
final class MainPatch {
    private MainPatch() {}

    /** The launcher's main class name (binary name), or null if it cannot be told. */
    static String mainClassName(String command) {
        if (command == null || command.isBlank()) {
            return null;
        }
        String first = command.trim().split("\\s+")[0];
        if (first.endsWith(".jar") && new File(first).isFile()) {
            try (JarFile jar = new JarFile(first)) {
                Manifest m = jar.getManifest();
                String c = m == null ? null : m.getMainAttributes().getValue("Main-Class");
                return c == null ? null : c.trim();
            } catch (IOException e) {
                return null;
            }
        }
        if (first.endsWith(".java") || first.startsWith("jdk.compiler/")) {
            return null; // source-file mode: the class is compiled in memory by the launcher
        }
        int slash = first.indexOf('/');
        return slash >= 0 ? first.substring(slash + 1) : first;
    }

    /**
     * Registers the transformer for the main class ({@code cache}: the agent's, or null); reports on {@code err} and
     * returns false if it is unknown.
     */
    static boolean install(Instrumentation inst, AgentCache cache, java.io.PrintStream err) {
        String main = mainClassName(System.getProperty("sun.java.command"));
        if (main == null) {
            err.println("gevent4j agent: main=true but the main class cannot be told from the command line ("
                    + System.getProperty("sun.java.command") + "); main stays on the JVM's main thread");
            return false;
        }
        inst.addTransformer(new Transformer(main, cache), false);
        if (System.getProperty("gevent4j.jmx") == null && System.getenv("GEVENT4J_JMX") == null) {
            // The default hub now starts before main: its MBeans are registered in the background, so that main
            // does not wait for the platform MBean server (~200 ms of CPU at every JVM start).
            System.setProperty("gevent4j.jmx", "lazy");
        }
        return true;
    }

    /** Adds {@link Advices.MainRun} to the static {@code main(String[])} / {@code main()} of one class. */
    private static final class Transformer implements ClassFileTransformer {
        private final String internalName;
        private final AgentCache cache;
        /** Both shapes of a static main, as patches for the weaver (not registry entries). */
        private final List<Patch> mains;

        Transformer(String mainClass, AgentCache cache) {
            this.internalName = mainClass.replace('.', '/');
            this.cache = cache;
            this.mains = List.of(
                    new Patch("main", mainClass, "main", "([Ljava/lang/String;)V", Advices.MainRun.class, "main"),
                    new Patch("main", mainClass, "main", "()V", Advices.MainRun.class, "main"));
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                                byte[] bytes) {
            if (redefined != null || !internalName.equals(className)) {
                return null;
            }
            try {
                String name = className.replace('/', '.');
                String file = cache == null ? null : cache.patchedName(name, bytes, mains);
                byte[] patched = file == null ? null : cache.readPatched(file);
                if (patched != null) {
                    return patched;
                }
                List<Patch> inlined = new ArrayList<>(2);
                patched = PatchInstaller.Weaver.shared().patch(name, bytes, loader, mains, true, inlined);
                if (inlined.isEmpty()) {
                    return null; // no static main (an instance main): it stays on the JVM's main thread
                }
                if (file != null) {
                    cache.writePatched(file, patched);
                }
                return patched;
            } catch (Throwable t) {
                System.err.println("gevent4j agent: could not patch main class " + className + " (" + t
                        + "); main stays on the JVM's main thread");
                return null;
            }
        }
    }
}
