package dev.gevent4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Gevent.dump() shows every greenlet, what it waits on, its parent and its stack; also through JMX. */
@Timeout(30)
class DumpTest {

    private static void parkedInDumpTest() {
        Gevent.sleep(60_000);
    }

    @Test
    void dumpShowsStatesWaitsParentsAndStacks() throws Exception {
        try (Hub hub = Hub.create()) {
            ReentrantLock lock = new ReentrantLock();
            lock.lock();
            try {
                Greenlet<?> parent = hub.spawn(() -> {
                    Greenlet<?> sleeper = Gevent.spawn(DumpTest::parkedInDumpTest).setName("sleeper");
                    Gevent.spawn(() -> sleeper.join()).setName("joiner");
                    Gevent.spawn(() -> {
                        lock.lock();
                        lock.unlock();
                    }).setName("locker");
                    Gevent.sleep(60_000);
                }).setName("parent");
                String dump = null;
                for (int i = 0; i < 200; i++) {
                    dump = Gevent.dump();
                    if (dump.contains("locker [WAITING]") && dump.contains("sleeper [WAITING]")
                            && dump.contains("joiner [WAITING]")) {
                        break;
                    }
                    Gevent.sleep(5);
                }
                assertTrue(dump.contains("Hub " + hub.getName()), dump);
                assertTrue(dump.contains("4 greenlet(s) alive"), dump);
                assertTrue(dump.contains("sleeper [WAITING] waits on: sleep (a timer of the hub) | parent: parent"), dump);
                assertTrue(dump.contains("joiner [WAITING] waits on: join sleeper | parent: parent"), dump);
                assertTrue(dump.contains("locker [WAITING] waits on: java.util.concurrent.locks.ReentrantLock"), dump);
                assertTrue(dump.contains("DumpTest.parkedInDumpTest"), dump);

                MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                String viaJmx = (String) server.invoke(new ObjectName("dev.gevent4j:type=Gevent"), "dump",
                        new Object[0], new String[0]);
                assertTrue(viaJmx.contains("joiner [WAITING] waits on: join sleeper"), viaJmx);
                ObjectName hubBean = new ObjectName("dev.gevent4j:type=Hub,name=" + ObjectName.quote(hub.getName()));
                assertEquals(4, server.getAttribute(hubBean, "GreenletsAlive"));
                assertEquals(2, server.getAttribute(hubBean, "PendingTimers"));
                assertTrue(List.of((String[]) server.getAttribute(new ObjectName("dev.gevent4j:type=Gevent"), "Hubs"))
                        .contains(hub.getName()));
                parent.killNowait(new GreenletExit());
            } finally {
                lock.unlock();
            }
        }
    }
}
