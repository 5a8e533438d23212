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
 * method exists with the expected descriptor (read from the class file, without loading the class; a missing one is
 * reported at start-up and only that patch is skipped), then inlines each advice into exactly its named methods
 * with one {@link ClassFileTransformer} that ignores every other class. The targets the JVM has already loaded are
 * retransformed in one call; the others are patched when they load (most of them never load in a small program).
 * Each method is recorded as transformed only once its advice was really inlined and the JVM took the class, for
 * {@link dev.gevent4j.Monkey}; a query there loads the targets still pending first, so its answer is final.
 *
 * <pre>{@code
 * PatchInstaller.install(inst, PatchRegistry.ALL, options, System.err);
 * }</pre>
 *
 * <p>Why not Byte Buddy's {@code AgentBuilder}: its matcher pass, reflective type descriptions and type writer cost
 * about a second and a thousand classes at every JVM start (docs/agent.md, "Start-up cost").
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
        byte[] bytes;
        try (InputStream in = ClassLoader.getSystemResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) {
                return null;
            }
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
        Set<String> methods = new HashSet<>();
        OpenedClassReader.of(bytes).accept(new ClassVisitor(OpenedClassReader.ASM_API) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                                             String[] exceptions) {
                methods.add(name + descriptor);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return methods;
    }

    static void install(Instrumentation inst, List<Patch> patches, AgentOptions options, java.io.PrintStream err) {
        install(inst, patches, options, null, err);
    }

    /** As {@link #install(Instrumentation, List, AgentOptions, java.io.PrintStream)}, with the agent's cache. */
    static void install(Instrumentation inst, List<Patch> patches, AgentOptions options, AgentCache cache,
                        java.io.PrintStream err) {
        Map<String, List<Patch>> byClass = applicable(patches, options, err);
        if (byClass.isEmpty()) {
            return;
        }
        Transformer transformer = new Transformer(byClass, cache, err);
        inst.addTransformer(transformer, true);
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> c : inst.getAllLoadedClasses()) {
            if (byClass.containsKey(c.getName()) && c.getClassLoader() == null) {
                loaded.add(c);
            }
        }
        retransform(inst, loaded, transformer, err);
        MonkeyState.pendingUntilLoaded(new LoadPending(byClass, transformer));
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
        Map<String, List<Patch>> byClass = new LinkedHashMap<>();
        Map<String, Set<String>> methodsByClass = new HashMap<>();
        for (Patch p : patches) {
            if (!options.enabled(p.option())) {
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
            List<Patch> ps = byClass.get(p.className());
            if (ps == null) {
                ps = new ArrayList<>();
                byClass.put(p.className(), ps);
            }
            ps.add(p);
        }
        return byClass;
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
        /** Classes (binary names) whose patches are recorded, or reported as refused. */
        private final Set<String> done = ConcurrentHashMap.newKeySet();
        private Weaver weaver;

        Transformer(Map<String, List<Patch>> byClass, AgentCache cache, java.io.PrintStream err) {
            for (Map.Entry<String, List<Patch>> e : byClass.entrySet()) {
                byInternalName.put(e.getKey().replace('.', '/'), e.getValue());
            }
            this.cache = cache;
            this.err = err;
        }

        @Override
        public byte[] transform(Module module, ClassLoader loader, String internalName, Class<?> redefined,
                                ProtectionDomain domain, byte[] bytes) {
            List<Patch> ps = internalName == null || loader != null ? null : byInternalName.get(internalName);
            if (ps == null) {
                return null;
            }
            String name = internalName.replace('/', '.');
            try {
                String cacheName = cache == null ? null : cacheName(name, bytes, ps);
                byte[] patched = cacheName == null ? null : fromCache(cacheName);
                List<Patch> inlined;
                if (patched != null) {
                    inlined = ps; // cached only when every patch of the class was inlined
                } else {
                    inlined = new ArrayList<>(ps.size());
                    patched = weaver().patch(name, bytes, ps, inlined);
                    if (cacheName != null && inlined.size() == ps.size()) {
                        toCache(cacheName, patched);
                    }
                }
                if (redefined == null) {
                    record(name, inlined);
                } else {
                    uncommitted.put(name, inlined);
                }
                return patched;
            } catch (Throwable t) {
                err.println("gevent4j agent: cannot patch " + name + ": " + t);
                for (Patch p : ps) {
                    MonkeyState.skipped(p.id(), String.valueOf(t));
                }
                done.add(name);
                return null;
            }
        }

        private synchronized Weaver weaver() {
            if (weaver == null) {
                weaver = new Weaver();
            }
            return weaver;
        }

        /**
         * The cache file of {@code name} as patched by this agent build with exactly {@code ps}, from these original
         * bytes: a different JDK build, agent build or set of enabled patches is a different file.
         */
        private String cacheName(String name, byte[] original, List<Patch> ps) {
            CRC32C ids = new CRC32C();
            for (Patch p : ps) {
                byte[] id = p.id().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                ids.update(id, 0, id.length);
            }
            CRC32C bytes = new CRC32C();
            bytes.update(original, 0, original.length);
            return "patched-" + cache.buildKey() + "-" + name + "-" + Long.toHexString(bytes.getValue()) + "-"
                    + original.length + "-" + Long.toHexString(ids.getValue()) + ".class";
        }

        /** The cached bytes, if the file is there and its CRC (the first 8 bytes) matches. */
        private byte[] fromCache(String cacheName) {
            byte[] file = cache.read(cacheName);
            if (file == null || file.length < 8) {
                return null;
            }
            long expected = 0;
            for (int i = 0; i < 8; i++) {
                expected |= (file[i] & 0xffL) << (8 * i);
            }
            CRC32C crc = new CRC32C();
            crc.update(file, 8, file.length - 8);
            return crc.getValue() == expected ? java.util.Arrays.copyOfRange(file, 8, file.length) : null;
        }

        private void toCache(String cacheName, byte[] patched) {
            CRC32C crc = new CRC32C();
            crc.update(patched, 0, patched.length);
            byte[] file = new byte[patched.length + 8];
            long v = crc.getValue();
            for (int i = 0; i < 8; i++) {
                file[i] = (byte) (v >>> (8 * i));
            }
            System.arraycopy(patched, 0, file, 8, patched.length);
            cache.write(cacheName, file);
        }

        private void record(String name, List<Patch> inlined) {
            for (Patch p : inlined) {
                recordTransformed(p);
            }
            done.add(name);
        }

        /** The JVM took the retransformed {@code name}. */
        void commit(String name) {
            List<Patch> inlined = uncommitted.remove(name);
            if (inlined != null) {
                record(name, inlined);
            }
        }

        /** The JVM refused the retransformed {@code name}: its patches count as skipped. */
        void refused(String name, Throwable t) {
            uncommitted.remove(name);
            err.println("gevent4j agent: the JVM refused to retransform " + name + ": " + t);
            for (Patch p : byInternalName.getOrDefault(name.replace('.', '/'), List.of())) {
                MonkeyState.skipped(p.id(), String.valueOf(t));
            }
            done.add(name);
        }

        boolean done(String name) {
            return done.contains(name);
        }
    }

    /**
     * Byte Buddy's part: inlines each patch's {@link Advice} into its method with ASM, types described by a
     * {@link TypePool} over the class files (nothing is loaded or reflected on), no type validation, no type writer.
     * Thread-safe.
     */
    private static final class Weaver {
        private final Map<Class<?>, Advice> advice = new ConcurrentHashMap<>();
        /** Describes the JDK classes and the advice (class files through the system loader; nothing is loaded). */
        private final TypePool pool;
        private final ClassFileLocator locator;

        Weaver() {
            this.locator = ClassFileLocator.ForClassLoader.of(PatchInstaller.class.getClassLoader());
            this.pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator,
                    TypePool.Default.ReaderMode.FAST);
        }

        byte[] patch(String name, byte[] bytes, List<Patch> ps, List<Patch> inlined) {
            TypeDescription type = pool.describe(name).resolve();
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
                    for (Patch p : ps) {
                        if (p.method().equals(method) && p.descriptor().equals(descriptor)) {
                            mv = adviceOf(p).wrap(type, declared(type, method, descriptor), mv, context, pool, 0, 0);
                            inlined.add(p);
                        }
                    }
                    return mv;
                }
            }, 0);
            return writer.toByteArray();
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

    /**
     * Loads (without initialising) every target class the JVM has not loaded yet, so that the transformer patches it
     * now: run once, before {@link dev.gevent4j.Monkey} answers a query.
     */
    private static final class LoadPending implements Runnable {
        private final Map<String, List<Patch>> byClass;
        private final Transformer transformer;

        LoadPending(Map<String, List<Patch>> byClass, Transformer transformer) {
            this.byClass = byClass;
            this.transformer = transformer;
        }

        @Override
        public void run() {
            for (String name : byClass.keySet()) {
                if (!transformer.done(name)) {
                    try {
                        Class.forName(name, false, null);
                    } catch (ClassNotFoundException | LinkageError e) {
                        transformer.err.println("gevent4j agent: cannot load " + name + ": " + e);
                    }
                }
            }
        }
    }
}
