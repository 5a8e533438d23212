package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.MonkeyState;
import dev.gevent4j.internal.agent.hooks.KillPoints;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Applies the enabled entries of {@link PatchRegistry} with Byte Buddy: checks that each JDK method exists with the
 * expected descriptor (a missing one is reported at start-up and only that patch is skipped), inlines its advice
 * (retransforming already-loaded JDK classes), and records per method that it was really transformed, for
 * {@link dev.gevent4j.Monkey}.
 *
 * <pre>{@code
 * PatchInstaller.install(inst, PatchRegistry.ALL, options, System.err);
 * }</pre>
 */
final class PatchInstaller {
    private PatchInstaller() {}

    /** Why {@code p} cannot be applied on this JDK, or null if its class and method exist. */
    static String missing(Patch p) {
        Class<?> c;
        try {
            c = Class.forName(p.className(), false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return "class " + p.className() + " does not exist";
        }
        for (Method m : c.getDeclaredMethods()) {
            if (m.getName().equals(p.method())
                    && MethodType.methodType(m.getReturnType(), m.getParameterTypes()).toMethodDescriptorString()
                    .equals(p.descriptor())) {
                return null;
            }
        }
        return "method " + p.method() + p.descriptor() + " does not exist in " + p.className();
    }

    static void install(Instrumentation inst, List<Patch> patches, AgentOptions options, java.io.PrintStream err) {
        Map<String, List<Patch>> byClass = applicable(patches, options, err);
        if (byClass.isEmpty()) {
            return;
        }
        Set<String> visited = ConcurrentHashMap.newKeySet();
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(new RetransformErrors(byClass, err))
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(AgentBuilder.TypeStrategy.Default.REDEFINE)
                .with(new Recorder(byClass, visited, err))
                .ignore(ElementMatchers.not(ElementMatchers.namedOneOf(byClass.keySet().toArray(new String[0]))));
        for (Map.Entry<String, List<Patch>> e : byClass.entrySet()) {
            List<Patch> ps = e.getValue();
            builder = builder.type(ElementMatchers.named(e.getKey())).transform(
                    (b, type, loader, module, domain) -> {
                        DynamicType.Builder<?> r = b;
                        for (Patch p : ps) {
                            ElementMatcher<MethodDescription> m = ElementMatchers.<MethodDescription>named(p.method())
                                    .and(ElementMatchers.hasDescriptor(p.descriptor()));
                            r = r.visit(Advice.to(p.advice()).on(m))
                                 .visit(new AsmVisitorWrapper.ForDeclaredMethods().method(m,
                                         (instrumentedType, method, mv, ctx, pool, wf, rf) -> {
                                             visited.add(p.id());
                                             return mv;
                                         }));
                        }
                        return r;
                    });
        }
        builder.installOn(inst);
    }

    /**
     * The enabled patches whose JDK method exists, by class. Each missing one is reported on {@code err} by name,
     * recorded for {@link dev.gevent4j.Monkey#skipped()}, and left out; the others still apply.
     */
    static Map<String, List<Patch>> applicable(List<Patch> patches, AgentOptions options, java.io.PrintStream err) {
        Map<String, List<Patch>> byClass = new LinkedHashMap<>();
        for (Patch p : patches) {
            if (!options.enabled(p.option())) {
                continue;
            }
            String why = missing(p);
            if (why != null) {
                String msg = "gevent4j agent: JDK " + Runtime.version() + ": " + why + "; skipping the '"
                        + p.option() + "' patch of " + p.id() + " (the rest of the agent is active)";
                err.println(msg);
                MonkeyState.skipped(p.id(), why);
                continue;
            }
            byClass.computeIfAbsent(p.className(), k -> new ArrayList<>()).add(p);
        }
        return byClass;
    }


    /** Commits per-method records once Byte Buddy reports the class transformed; reports failures. */
    private static final class Recorder extends AgentBuilder.Listener.Adapter {
        private final Map<String, List<Patch>> byClass;
        private final Set<String> visited;
        private final java.io.PrintStream err;

        Recorder(Map<String, List<Patch>> byClass, Set<String> visited, java.io.PrintStream err) {
            this.byClass = byClass;
            this.visited = visited;
            this.err = err;
        }

        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module, boolean loaded,
                                     DynamicType dynamicType) {
            for (Patch p : byClass.getOrDefault(type.getName(), List.of())) {
                if (visited.contains(p.id())) {
                    MonkeyState.transformed(p.id());
                    if (p.advice() == Advices.RaiseKill.class) {
                        KillPoints.registerKillPoint(p.id());
                    }
                }
            }
        }

        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable t) {
            err.println("gevent4j agent: cannot patch " + typeName + ": " + t);
            for (Patch p : byClass.getOrDefault(typeName, List.of())) {
                MonkeyState.skipped(p.id(), String.valueOf(t));
            }
        }
    }

    /** Reports a JVM refusal of a retransformation; those classes' patches count as skipped. */
    private static final class RetransformErrors extends AgentBuilder.RedefinitionStrategy.Listener.Adapter {
        private final Map<String, List<Patch>> byClass;
        private final java.io.PrintStream err;

        RetransformErrors(Map<String, List<Patch>> byClass, java.io.PrintStream err) {
            this.byClass = byClass;
            this.err = err;
        }

        @Override
        public Iterable<? extends List<Class<?>>> onError(int index, List<Class<?>> batch, Throwable throwable,
                                                          List<Class<?>> types) {
            for (Class<?> c : batch) {
                err.println("gevent4j agent: the JVM refused to retransform " + c.getName() + ": " + throwable);
                for (Patch p : byClass.getOrDefault(c.getName(), List.of())) {
                    MonkeyState.skipped(p.id(), String.valueOf(throwable));
                }
            }
            return List.of();
        }
    }
}
