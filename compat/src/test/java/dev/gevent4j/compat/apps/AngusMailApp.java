package dev.gevent4j.compat.apps;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Properties;

/**
 * Jakarta Mail (Eclipse Angus) over SMTP: n threads each Transport.send() one message to the test's SMTP server,
 * which accepts it after {@link Probe#DELAY_MILLIS}. Args: port [n].
 */
public final class AngusMailApp {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int n = Probe.arg(args, 1, 100);
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", "" + port);
        props.put("mail.smtp.localhost", "localhost");
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "30000");
        Session session = Session.getInstance(props);
        Probe p = new Probe();
        Probe.Task send = i -> {
            MimeMessage m = new MimeMessage(session);
            m.setFrom(new InternetAddress("app@example.test"));
            m.setRecipients(Message.RecipientType.TO, "user" + i + "@example.test");
            m.setSubject("compat " + i);
            m.setText("hello " + i);
            Transport.send(m);
        };
        new Probe().onPlainThreads(5, "warm", send);
        p.begin();
        p.onPlainThreads(n, "sender", send);
        p.end("smtp-angus", n);
    }
}
