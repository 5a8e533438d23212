package dev.gevent4j.compat.apps;

import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** OkHttp 5, one client (pool of n connections), n threads each execute() a GET to the slow server. Args: port [n]. */
public final class OkHttpApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Probe.arg(args, 1, 200);
        Probe p = new Probe();
        OkHttpClient client = new OkHttpClient.Builder().connectionPool(new ConnectionPool(n, 1, TimeUnit.MINUTES))
                .readTimeout(30, TimeUnit.SECONDS).build();
        Probe.Task call = i -> {
            try (Response r = client.newCall(new Request.Builder().url("http://127.0.0.1:" + port + "/slow/" + i)
                    .build()).execute()) {
                if (r.code() != 200) {
                    throw new IllegalStateException("status " + r.code());
                }
                JdkHttpServerApp.check(r.body().string());
            }
        };
        new Probe().onPlainThreads(5, "warm", call);
        p.begin();
        p.onPlainThreads(n, "client", call);
        p.end("okhttp", n);
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        System.exit(0);
    }
}
