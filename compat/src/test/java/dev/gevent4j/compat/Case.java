package dev.gevent4j.compat;

import dev.gevent4j.compat.apps.AngusMailApp;
import dev.gevent4j.compat.apps.ApacheHttpClientApp;
import dev.gevent4j.compat.apps.ExecutorApp;
import dev.gevent4j.compat.apps.GrpcApp;
import dev.gevent4j.compat.apps.HikariPgApp;
import dev.gevent4j.compat.apps.JdkHttpClientApp;
import dev.gevent4j.compat.apps.JdkHttpServerApp;
import dev.gevent4j.compat.apps.JedisApp;
import dev.gevent4j.compat.apps.JettyApp;
import dev.gevent4j.compat.apps.OkHttpApp;
import dev.gevent4j.compat.apps.RawSocketApp;
import dev.gevent4j.compat.apps.TomcatApp;

/**
 * Every case of the compatibility suite: the unmodified app it runs, the library and version it covers (a key of
 * compat-versions.properties, filled from the pom), how many operations at once, and the most platform threads
 * the app may use under the agent (the issue's goal: 32 for the servers and the executor app; for the JDK
 * HttpServer, Jetty and the executor app 32 OS threads of the whole process too). docs/compatibility.md
 * has one row per case ({@link CompatibilityTableTest}).
 */
enum Case {
    JDK_HTTPSERVER("jdk-httpserver", JdkHttpServerApp.class, "JDK HttpServer (com.sun.net.httpserver)", "jdk", 200, 32,
            32),
    JETTY("jetty", JettyApp.class, "Jetty (jetty-server, QueuedThreadPool of 200)", "jetty", 200, 32, 32),
    TOMCAT("tomcat", TomcatApp.class, "Apache Tomcat embedded (tomcat-embed-core, NIO, maxThreads 200)", "tomcat", 200,
            32),
    GRPC("grpc", GrpcApp.class, "gRPC Java (grpc-netty-shaded + grpc-stub), server and blocking clients", "grpc", 100,
            32),
    EXECUTOR("executor", ExecutorApp.class, "java.util.concurrent (fixed pool of 200, Semaphore, invokeAll)", "jdk",
            200, 32, 32),
    PGJDBC_HIKARICP("pgjdbc-hikaricp", HikariPgApp.class, "PostgreSQL JDBC (pgjdbc) through HikariCP", "pgjdbc", 100,
            32),
    JEDIS("jedis", JedisApp.class, "Jedis through JedisPool", "jedis", 100, 32),
    /** 64: its executor's workers are started by its SelectorManager, a JDK thread, so they stay platform threads. */
    JDK_HTTPCLIENT("jdk-httpclient", JdkHttpClientApp.class, "JDK HttpClient (java.net.http, HTTP/1.1)", "jdk", 200,
            64),
    APACHE_HTTPCLIENT5("apache-httpclient5", ApacheHttpClientApp.class, "Apache HttpClient 5 classic (pooling)",
            "httpclient5", 200, 32),
    OKHTTP("okhttp", OkHttpApp.class, "OkHttp", "okhttp", 200, 32),
    RAW_SOCKET("raw-socket", RawSocketApp.class, "java.net.Socket + BufferedReader.readLine", "jdk", 200, 32),
    SMTP_ANGUS("smtp-angus", AngusMailApp.class, "Jakarta Mail (Eclipse Angus Mail) over SMTP", "angus-mail", 100,
            32);

    final String id;
    final Class<?> app;
    final String library;
    final String versionKey;
    final int n;
    final int maxThreads;
    /**
     * The most OS threads of the whole process under the agent, the JVM's own (GC, JIT: 13 on 2 cores) included, or
     * 0 for no bound; checked on machines of at most 4 CPUs only, where the JVM's own stay about that few.
     */
    final int maxOsThreads;

    Case(String id, Class<?> app, String library, String versionKey, int n, int maxThreads) {
        this(id, app, library, versionKey, n, maxThreads, 0);
    }

    Case(String id, Class<?> app, String library, String versionKey, int n, int maxThreads, int maxOsThreads) {
        this.id = id;
        this.app = app;
        this.library = library;
        this.versionKey = versionKey;
        this.n = n;
        this.maxThreads = maxThreads;
        this.maxOsThreads = maxOsThreads;
    }

    /** The version of the library, as the pom resolves it (or the JDK's for the JDK's own APIs). */
    String version() {
        if (versionKey.equals("jdk")) {
            return "JDK " + Runtime.version().feature();
        }
        try (var in = Case.class.getResourceAsStream("/compat-versions.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            String v = p.getProperty(versionKey);
            if (v == null || v.startsWith("${")) {
                throw new IllegalStateException("no version for " + versionKey + " in compat-versions.properties");
            }
            return v;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
