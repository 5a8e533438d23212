package dev.gevent4j.compat.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A minimal HTTP/1.1 GET over a plain socket, the server apps' load generator (Connection: close). */
public final class Http {
    private Http() {}

    /** GETs {@code path} from 127.0.0.1:{@code port}; returns the body, or throws unless the status is 200. */
    public static String get(int port, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String r = buf.toString(StandardCharsets.ISO_8859_1);
            if (!r.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + r.lines().findFirst().orElse(r));
            }
            int body = r.indexOf("\r\n\r\n");
            String b = body < 0 ? "" : r.substring(body + 4);
            if (r.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                b = dechunk(b);
            }
            return b;
        }
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(s.substring(i, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(s, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return out.toString();
    }
}
