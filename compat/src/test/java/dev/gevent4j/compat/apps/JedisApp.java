package dev.gevent4j.compat.apps;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPool;
import redis.clients.jedis.JedisPoolConfig;

/**
 * Jedis through a JedisPool of n connections against a real redis-server: n threads each borrow a connection and
 * run {@code BLPOP} on an empty list with a timeout of {@link Probe#DELAY_MILLIS} (the server answers nil then).
 * Args: port [n].
 */
public final class JedisApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Probe.arg(args, 1, 100);
        JedisPoolConfig cfg = new JedisPoolConfig();
        cfg.setMaxTotal(n);
        cfg.setMaxIdle(n);
        Probe p = new Probe();
        try (JedisPool pool = new JedisPool(cfg, "127.0.0.1", port, 30_000)) {
            new Probe().onPlainThreads(n, "warm", i -> {
                try (Jedis j = pool.getResource()) {
                    j.ping();
                }
            });
            double timeout = Probe.DELAY_MILLIS / 1000.0;
            p.begin();
            p.onPlainThreads(n, "client", i -> {
                try (Jedis j = pool.getResource()) {
                    Object r = j.blpop(timeout, "compat:empty:" + i);
                    if (r != null) {
                        throw new IllegalStateException("BLPOP of an empty list answered " + r);
                    }
                }
            });
            p.end("jedis", n);
        }
    }
}
