package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.agent.hooks.MainGreenlet;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.pool.TypePool;
import static net.bytebuddy.matcher.ElementMatchers.isStatic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * Agent option {@code main=true}: patches the application's main class so that its static {@code main} runs as a
 * greenlet ({@link MainGreenlet}). The main class is the launcher's: the first word of {@code sun.java.command}
 * ({@code java pkg.Main}, {@code java -m mod/pkg.Main}) or the {@code Main-Class} of the jar ({@code java -jar}).
 * Source-file mode ({@code java App.java}), instance main methods and a late attach are not covered: there
 * {@code main} stays on the JVM's main thread (a converted application thread's waits still yield).
 *
 * <pre>{@code
 * MainPatch.install(inst, System.err);   // before the launcher loads the main class
 * }</pre>
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

    /** Registers the transformer for the main class; reports on {@code err} and returns false if it is unknown. */
    static boolean install(Instrumentation inst, java.io.PrintStream err) {
        String main = mainClassName(System.getProperty("sun.java.command"));
        if (main == null) {
            err.println("gevent4j agent: main=true but the main class cannot be told from the command line ("
                    + System.getProperty("sun.java.command") + "); main stays on the JVM's main thread");
            return false;
        }
        inst.addTransformer(new Transformer(main.replace('.', '/')), false);
        return true;
    }

    /** Adds {@link Advices.MainRun} to the static {@code main(String[])} / {@code main()} of one class. */
    private static final class Transformer implements ClassFileTransformer {
        private final String internalName;

        Transformer(String internalName) {
            this.internalName = internalName;
        }

        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                                byte[] bytes) {
            if (redefined != null || !internalName.equals(className)) {
                return null;
            }
            try {
                String name = className.replace('/', '.');
                ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, bytes),
                        ClassFileLocator.ForClassLoader.of(loader), ClassFileLocator.ForClassLoader.ofBootLoader());
                TypePool pool = TypePool.Default.of(locator);
                return new ByteBuddy().with(TypeValidation.DISABLED)
                        .redefine(pool.describe(name).resolve(), locator)
                        .visit(Advice.to(Advices.MainRun.class).on(isStatic().and(named("main"))
                                .and(returns(void.class))
                                .and(takesArguments(String[].class).or(takesArguments(0)))))
                        .make().getBytes();
            } catch (Throwable t) {
                System.err.println("gevent4j agent: could not patch main class " + className + " (" + t
                        + "); main stays on the JVM's main thread");
                return null;
            }
        }
    }
}
