package dev.gevent4j.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;

/** The three style demos (AsyncioStyle, GreenletSwitching, GeventSpawn) print exactly their expected lines, every time. */
@Timeout(60)
class StyleSamplesTest {

    private static List<String> run(Runnable main) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            main.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @RepeatedTest(20)
    void asyncioStyle() {
        assertEquals(List.of("cor1 start", "cor2", "cor1 end"), run(() -> AsyncioStyle.main(new String[0])));
    }

    @RepeatedTest(20)
    void greenletSwitching() {
        assertEquals(List.of("12", "34", "56", "78"), run(() -> GreenletSwitching.main(new String[0])));
    }

    @RepeatedTest(20)
    void geventSpawn() {
        assertEquals(List.of("www.baidu.com", "www.zhihu.com", "end the baidu.com", "end th zhihu.com"),
                run(() -> GeventSpawn.main(new String[0])));
    }
}
