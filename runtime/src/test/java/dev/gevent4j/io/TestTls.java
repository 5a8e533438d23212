package dev.gevent4j.io;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** Test helper: a self-signed certificate made with the JDK's keytool, and SSLContexts that use it. */
final class TestTls {
    private static final char[] PASSWORD = "changeit".toCharArray();
    private static KeyStore keyStore;

    private TestTls() {}

    static synchronized KeyStore keyStore() throws Exception {
        if (keyStore == null) {
            Path dir = Files.createTempDirectory("gevent4j-tls");
            Path ks = dir.resolve("server.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            SubprocessResult r = Subprocess.run(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                    "-keystore", ks.toString(), "-storepass", "changeit"), Duration.ofSeconds(60));
            if (r.exitCode() != 0) {
                throw new IllegalStateException("keytool failed: " + r.stderrText());
            }
            KeyStore k = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(ks)) {
                k.load(in, PASSWORD);
            }
            Files.delete(ks);
            Files.delete(dir);
            keyStore = k;
        }
        return keyStore;
    }

    /** A server context with the self-signed key. */
    static SSLContext server() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), PASSWORD);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(kmf.getKeyManagers(), null, null);
        return c;
    }

    /** A client context that trusts exactly the self-signed certificate. */
    static SSLContext trustingClient() throws Exception {
        Certificate cert = keyStore().getCertificate("server");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, tmf.getTrustManagers(), null);
        return c;
    }
}
