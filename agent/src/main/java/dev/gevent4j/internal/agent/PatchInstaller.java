package dev.gevent4j.internal.agent;

import dev.gevent4j.internal.MonkeyState;
import dev.gevent4j.internal.agent.hooks.KillPoints;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;
import net.bytebuddy.ClassFileVersion;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeInitializer;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Applies the enabled entries of {@link PatchRegistry} with Byte Buddy's {@link Advice}, lean: checks that each JDK
 * method exists with the expected descriptor (read from the class file; a missing one is reported at start-up and
 * only that patch is skipped), then inlines each advice into exactly its named methods with one
 * {@link ClassFileTransformer} that ignores every other class, retransforming all target classes in one call. Each
 * method is recorded as transformed only once its advice was really inlined and the JVM took the class, for
 * {@link dev.gevent4j.Monkey}. The patched classes are kept in the agent's cache ({@link AgentCache}), keyed by the
 * bytes the JVM handed over: a later JVM with the same JDK and agent build takes them from there without loading Byte
 * Buddy at all.
 *
 * <pre>{@code
 * PatchInstaller.install(inst, PatchRegistry.ALL, options, cache, System.err);
 * }</pre>
 *
 * <p>Why not Byte Buddy's {@code AgentBuilder}: its matcher pass over every class, reflective type descriptions and
 * type writer cost over a second and a thousand classes at every JVM start (docs/agent.md, "Start-up cost").
 */
final class PatchInstaller {
    private PatchInstaller() {}

    /** Why {@code p} cannot be applied on this JDK, or null if its class and method exist. */
    static String missing(Patch p) {
        return missing(p, declaredMethods(p.className()));
    }

    private static String missing(Patch p, Set<String> methods) {
        if (methods == null) {
            return "class " + p.className() + " does not exist";
        }
        if (!methods.contains(p.method() + p.descriptor())) {
            return "method " + p.method() + p.descriptor() + " does not exist in " + p.className();
        }
        return null;
    }

    /**
     * {@code name + descriptor} of every method declared by {@code className}, read from its class file (the class
     * is not loaded), or null if the JDK has no such class.
     */
    private static Set<String> declaredMethods(String className) {
        return MethodNames.of(className);
    }

    /** The method check's class-file reading (ASM), in a class of its own: a warm start never loads it. */
    private static final class MethodNames extends ClassVisitor {
        private final Set<String> methods = new HashSet<>();

        private MethodNames() {
            super(OpenedClassReader.ASM_API);
        }

        static Set<String> of(String className) {
            byte[] bytes;
            try (InputStream in = ClassLoader.getSystemResourceAsStream(className.replace('.', '/') + ".class")) {
                if (in == null) {
                    return null;
                }
                bytes = in.readAllBytes();
            } catch (IOException e) {
                return null;
            }
            MethodNames names = new MethodNames();
            OpenedClassReader.of(bytes).accept(names,
                    ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
            return names.methods;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                         String[] exceptions) {
            methods.add(name + descriptor);
            return null;
        }
    }

    /**
     * Installs the enabled patches; {@code cache} (null: none) supplies classes patched by an earlier JVM.
     *
     * <p>Every JDK target class is loaded (not initialised) before the transformer exists and all are patched in one
     * retransformation: the JVM calls no transformer for a class first loaded while a transformation runs on the
     * same thread, so no target may be loaded for the first time by the patching itself (Byte Buddy reading a JDK
     * class file opens the runtime image with a FileChannel, for one). A target the boot loader does not have (an
     * application class) is patched when its own loader loads it. A start that finds this agent build, JDK and set
     * of enabled patches already seen (a marker in the cache: every method exists, every class patched at start-up
     * is cached) skips the method check.
     */
    static void install(Instrumentation inst, List<Patch> patches, AgentOptions options, AgentCache cache,
                        java.io.PrintStream err) {
        String warmMarker = cache == null ? null : warmMarker(patches, options, cache);
        boolean warm = warmMarker != null && cache.find(warmMarker) != null;
        Map<String, List<Patch>> byClass = applicable(patches, options, !warm, err);
        StartupTiming.step(warm ? "methods known to exist (warm marker)" : "methods checked in the class files");
        if (byClass.isEmpty()) {
            return;
        }
        List<Class<?>> targets = new ArrayList<>(byClass.size());
        for (String name : byClass.keySet()) {
            try {
                targets.add(Class.forName(name, false, null));
            } catch (ClassNotFoundException | LinkageError e) {
                // not a JDK class (the method check found its class file): patched when its own loader loads it
            }
        }
        StartupTiming.step("target classes loaded");
        Transformer transformer = new Transformer(byClass, cache, err);
        inst.addTransformer(transformer, true);
        retransform(inst, targets, transformer, err);
        StartupTiming.step(targets.size() + " classes retransformed (the JVM and the transformer)");
        if (!warm && warmMarker != null && transformer.cachedAll(targets)) {
            cache.write(warmMarker, new byte[0]);
        }
    }

    /**
     * The cache file that marks this agent build, JDK (home and version) and set of enabled patches as seen: every
     * method exists and every patched class is in the cache.
     */
    private static String warmMarker(List<Patch> patches, AgentOptions options, AgentCache cache) {
        StringBuilder k = new StringBuilder().append(System.getProperty("java.home")).append('|')
                .append(System.getProperty("java.vm.version")).append('|')
                .append(System.getProperty("java.runtime.version"));
        for (Patch p : patches) {
            if (options.enabled(p.option())) {
                k.append('|').append(p.id());
            }
        }
        byte[] b = k.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        CRC32C key = new CRC32C();
        key.update(b, 0, b.length);
        return "warm-" + cache.buildKey() + "-" + Long.toHexString(key.getValue());
    }

    /** Retransforms {@code classes} in one call; if the JVM refuses, one by one, to find and report the culprit. */
    private static void retransform(Instrumentation inst, List<Class<?>> classes, Transformer transformer,
                                    java.io.PrintStream err) {
        if (classes.isEmpty()) {
            return;
        }
        try {
            inst.retransformClasses(classes.toArray(new Class<?>[0]));
            for (Class<?> c : classes) {
                transformer.commit(c.getName());
            }
            return;
        } catch (Throwable batch) {
            if (classes.size() == 1) {
                transformer.refused(classes.get(0).getName(), batch);
                return;
            }
        }
        for (Class<?> c : classes) {
            try {
                inst.retransformClasses(c);
                transformer.commit(c.getName());
            } catch (Throwable t) {
                transformer.refused(c.getName(), t);
            }
        }
    }

    /**
     * The enabled patches whose JDK method exists, by class. Each missing one is reported on {@code err} by name,
     * recorded for {@link dev.gevent4j.Monkey#skipped()}, and left out; the others still apply.
     */
    static Map<String, List<Patch>> applicable(List<Patch> patches, AgentOptions options, java.io.PrintStream err) {
        return applicable(patches, options, true, err);
    }

    private static Map<String, List<Patch>> applicable(List<Patch> patches, AgentOptions options, boolean check,
                                                       java.io.PrintStream err) {
        Map<String, List<Patch>> byClass = new LinkedHashMap<>();
        Map<String, Set<String>> methodsByClass = new HashMap<>();
        for (Patch p : patches) {
            if (!options.enabled(p.option())) {
                continue;
            }
            if (!check) {
                add(byClass, p);
                continue;
            }
            Set<String> methods;
            if (methodsByClass.containsKey(p.className())) {
                methods = methodsByClass.get(p.className());
            } else {
                methods = declaredMethods(p.className());
                methodsByClass.put(p.className(), methods);
            }
            String why = missing(p, methods);
            if (why != null) {
                String msg = "gevent4j agent: JDK " + Runtime.version() + ": " + why + "; skipping the '"
                        + p.option() + "' patch of " + p.id() + " (the rest of the agent is active)";
                err.println(msg);
                MonkeyState.skipped(p.id(), why);
                continue;
            }
            add(byClass, p);
        }
        return byClass;
    }

    private static void add(Map<String, List<Patch>> byClass, Patch p) {
        List<Patch> ps = byClass.get(p.className());
        if (ps == null) {
            ps = new ArrayList<>();
            byClass.put(p.className(), ps);
        }
        ps.add(p);
    }

    /** Records {@code p} as transformed (for Monkey), and as a kill point if it carries the kill advice. */
    private static void recordTransformed(Patch p) {
        MonkeyState.transformed(p.id());
        if (p.advice() == Advices.RaiseKill.class) {
            KillPoints.registerKillPoint(p.id());
        }
    }

    /**
     * Inlines the advice of the patches of exactly the named classes (by internal name) and ignores every other
     * class. A class loaded for the first time is recorded as patched when its new bytes are handed back; a
     * retransformed one once {@link Instrumentation#retransformClasses} returned ({@link #commit}). Byte Buddy is
     * loaded only for a class that is not in the agent's cache yet (see {@link #cacheName}).
     */
    private static final class Transformer implements ClassFileTransformer {
        private final Map<String, List<Patch>> byInternalName = new HashMap<>();
        private final AgentCache cache;
        private final java.io.PrintStream err;
        /** Patches inlined into a retransformed class, until the JVM took it. */
        private final Map<String, List<Patch>> uncommitted = new ConcurrentHashMap<>();
        /** Classes whose patched bytes are in the cache (found there, or written there complete). */
        private final Set<String> cached = ConcurrentHashMap.newKeySet();

        Transformer(Map<String, List<Patch>> byClass, AgentCache cache, java.io.PrintStream err) {
            for (Map.Entry<String, List<Patch>> e : byClass.entrySet()) {
                byInternalName.put(e.getKey().replace('.', '/'), e.getValue());
            }
            this.cache = cache;
            this.err = err;
        }

        /** Whether the patched bytes of every class of {@code classes} are in the cache. */
        boolean cachedAll(List<Class<?>> classes) {
            for (Class<?> c : classes) {
                if (!cached.contains(c.getName())) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] bytes) {
            List<Patch> ps = internalName == null ? null : byInternalName.get(internalName);
            if (ps == null) {
                return null;
            }
            String name = internalName.replace('/', '.');
            try {
                long t0 = System.nanoTime();
                String cacheName = cache == null ? null : cache.patchedName(name, bytes, ps);
                byte[] patched = cacheName == null ? null : cache.readPatched(cacheName);
                long t1 = System.nanoTime();
                StartupTiming.add(StartupTiming.CACHE, t1 - t0);
                List<Patch> inlined;
                if (patched != null) {
                    inlined = ps; // cached only when every patch of the class was inlined
                    cached.add(name);
                } else {
                    inlined = new ArrayList<>(ps.size());
                    patched = Weaver.shared().patch(name, bytes, loader, ps, false, inlined);
                    long t2 = System.nanoTime();
                    StartupTiming.add(StartupTiming.BYTE_BUDDY, t2 - t1);
                    if (cacheName != null && inlined.size() == ps.size() && cache.writePatched(cacheName, patched)) {
                        cached.add(name);
                    }
                    StartupTiming.add(StartupTiming.CACHE, System.nanoTime() - t2);
                }
                if (redefined == null) {
                    record(inlined);
                } else {
                    uncommitted.put(name, inlined);
                }
                return patched;
            } catch (Throwable t) {
                err.println("gevent4j agent: cannot patch " + name + ": " + t);
                for (Patch p : ps) {
                    MonkeyState.skipped(p.id(), String.valueOf(t));
                }
                return null;
            }
        }

        private void record(List<Patch> inlined) {
            for (Patch p : inlined) {
                recordTransformed(p);
            }
        }

        /** The JVM took the retransformed {@code name}. */
        void commit(String name) {
            List<Patch> inlined = uncommitted.remove(name);
            if (inlined != null) {
                record(inlined);
            }
        }

        /** The JVM refused the retransformed {@code name}: its patches count as skipped. */
        void refused(String name, Throwable t) {
            uncommitted.remove(name);
            err.println("gevent4j agent: the JVM refused to retransform " + name + ": " + t);
            for (Patch p : byInternalName.getOrDefault(name.replace('.', '/'), List.of())) {
                MonkeyState.skipped(p.id(), String.valueOf(t));
            }
        }
    }

    /**
     * Byte Buddy's part: inlines each patch's {@link Advice} into its method with ASM, types described by a
     * {@link TypePool} over the class files (nothing is loaded or reflected on), no type validation, no type writer.
     * One for the JVM, created on the first class the cache does not have ({@link #shared}); thread-safe.
     */
    static final class Weaver {
        private static Weaver shared;

        private final Map<Class<?>, Advice> advice = new ConcurrentHashMap<>();
        /** Describes the JDK classes and the advice (class files through the system loader; nothing is loaded). */
        private final TypePool pool;
        private final ClassFileLocator locator;

        private Weaver() {
            this.locator = ClassFileLocator.ForClassLoader.of(PatchInstaller.class.getClassLoader());
            this.pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator,
                    TypePool.Default.ReaderMode.FAST);
        }

        static synchronized Weaver shared() {
            if (shared == null) {
                shared = new Weaver();
            }
            return shared;
        }

        /**
         * {@code bytes} of class {@code name} (defined by {@code loader}, null for the boot loader) with the advice of
         * each patch in {@code ps} inlined into the method of the same name and descriptor ({@code staticOnly}: only a
         * static one); the patches that found their method are added to {@code inlined}.
         */
        byte[] patch(String name, byte[] bytes, ClassLoader loader, List<Patch> ps, boolean staticOnly,
                     List<Patch> inlined) {
            TypePool types = loader == null || loader == PatchInstaller.class.getClassLoader() ? pool
                    : new TypePool.Default(new TypePool.CacheProvider.Simple(), new ClassFileLocator.Compound(
                            ClassFileLocator.Simple.of(name, bytes), ClassFileLocator.ForClassLoader.of(loader)),
                            TypePool.Default.ReaderMode.FAST, pool);
            TypeDescription type = types.describe(name).resolve();
            Implementation.Context.ExtractableView context = Implementation.Context.Disabled.Factory.INSTANCE.make(
                    type, null, TypeInitializer.None.INSTANCE, ClassFileVersion.ofClassFile(bytes), null,
                    Implementation.Context.FrameGeneration.DISABLED);
            ClassReader reader = OpenedClassReader.of(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new ClassVisitor(OpenedClassReader.ASM_API, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                                 String[] exceptions) {
                    MethodVisitor mv = super.visitMethod(access, method, descriptor, signature, exceptions);
                    if (staticOnly && (access & net.bytebuddy.jar.asm.Opcodes.ACC_STATIC) == 0) {
                        return mv;
                    }
                    for (Patch p : ps) {
                        if (p.method().equals(method) && p.descriptor().equals(descriptor)) {
                            mv = p.advice() == Advices.NanoTimeOnHubClock.class ? new NanoTimeOnHubClock(mv)
                                    : adviceOf(p).wrap(type, declared(type, method, descriptor), mv, context, types,
                                            0, 0);
                            inlined.add(p);
                        }
                    }
                    return mv;
                }
            }, 0);
            return writer.toByteArray();
        }

        /**
         * Replaces each {@code INVOKESTATIC java/lang/System.nanoTime()J} with the same call of
         * {@code hooks/VirtualClock.nanoTime()J}: same stack effect, so frames and max stack stay as they were.
         */
        private static final class NanoTimeOnHubClock extends MethodVisitor {
            private static final String HOOK = "dev/gevent4j/internal/agent/hooks/VirtualClock";

            NanoTimeOnHubClock(MethodVisitor mv) {
                super(OpenedClassReader.ASM_API, mv);
            }

            @Override
            public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                                        boolean isInterface) {
                if (opcode == net.bytebuddy.jar.asm.Opcodes.INVOKESTATIC && owner.equals("java/lang/System")
                        && name.equals("nanoTime") && descriptor.equals("()J")) {
                    super.visitMethodInsn(opcode, HOOK, name, descriptor, false);
                } else {
                    super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
                }
            }
        }

        private static MethodDescription declared(TypeDescription type, String method, String descriptor) {
            for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()) {
                if (m.getInternalName().equals(method) && m.getDescriptor().equals(descriptor)) {
                    return m;
                }
            }
            throw new IllegalStateException(method + descriptor + " is not declared by " + type.getName());
        }

        private Advice adviceOf(Patch p) {
            Advice a = advice.get(p.advice());
            if (a == null) {
                a = Advice.to(pool.describe(p.advice().getName()).resolve(), locator);
                advice.put(p.advice(), a);
            }
            return a;
        }
    }
}
