package dev.gevent4j.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps docs/compatibility.md true to the suite: its table has exactly one row per {@link Case}, naming the
 * library version the pom resolves. Runs after the case classes (junit-platform.properties orders classes by
 * {@code @Order}); when every case wrote its figures in this run, it writes the table with this run's figures to
 * {@code target/compatibility/table.md}, and with {@code -Dcompat.updateDocs=true} into docs/compatibility.md too.
 *
 * <pre>{@code
 * mvn -B -pl compat -am verify -Dtest='*CompatTest,CompatibilityTableTest' -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dcompat.updateDocs=true
 * }</pre>
 */
@Order(Integer.MAX_VALUE)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompatibilityTableTest {
    static final String BEGIN = "<!-- compat-table:begin (CompatibilityTableTest checks and fills it) -->";
    static final String END = "<!-- compat-table:end -->";
    /** Columns: case, library, version, server, what was checked, ok/N, wall, peak threads, hub, known limits. */
    static final int COLUMNS = 10;

    static Path docs() {
        return Path.of(System.getProperty("compat.docs", "../docs/compatibility.md"));
    }

    @Test
    void theTableHasOneRowPerCaseWithTheVersionThePomResolves() throws Exception {
        Map<String, List<String>> rows = rows(Files.readString(docs()));
        for (Case c : Case.values()) {
            List<String> row = rows.get(c.id);
            assertTrue(row != null, "docs/compatibility.md has no row for case `" + c.id + "`");
            assertEquals(c.version(), row.get(2), "version of " + c.id + " in docs/compatibility.md");
        }
        List<String> extra = new ArrayList<>(rows.keySet());
        for (Case c : Case.values()) {
            extra.remove(c.id);
        }
        assertEquals(List.of(), extra, "rows of docs/compatibility.md that are no case of the suite");
    }

    @Test
    void theFiguresOfThisRunGoToTargetAndOnRequestIntoTheDocs() throws Exception {
        Path dir = Path.of(System.getProperty("compat.out", "target/compatibility"));
        Map<String, Properties> figures = new LinkedHashMap<>();
        for (Case c : Case.values()) {
            Path f = dir.resolve(c.id + ".properties");
            long started = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
            if (!Files.isRegularFile(f) || Files.getLastModifiedTime(f).toMillis() < started) {
                return; // not every case ran in this test JVM (e.g. -Dtest=one of them): nothing to write
            }
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(f)) {
                p.load(r);
            }
            figures.put(c.id, p);
        }
        String doc = Files.readString(docs());
        Map<String, List<String>> rows = rows(doc);
        StringBuilder table = new StringBuilder();
        for (Case c : Case.values()) {
            Properties p = figures.get(c.id);
            List<String> row = new ArrayList<>(rows.get(c.id));
            row.set(2, c.version());
            row.set(5, p.getProperty("agent.ok") + "/" + c.n + " (" + p.getProperty("plain.ok") + "/" + c.n
                    + " without)");
            row.set(6, String.format(Locale.ROOT, "%.2f s / %.2f s / %s s", Double.parseDouble(
                    p.getProperty("agent.wall")), Double.parseDouble(p.getProperty("plain.wall")),
                    p.getProperty("sequential")));
            row.set(7, p.getProperty("agent.peakThreads") + " / " + p.getProperty("plain.peakThreads") + " (OS: "
                    + p.getProperty("agent.osThreads") + " / " + p.getProperty("plain.osThreads") + ")");
            row.set(8, p.getProperty("agent.ticks") + " ticks, max gap " + p.getProperty("agent.maxTickGapMs")
                    + " ms, " + p.getProperty("agent.stalls") + " stalls");
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        Files.writeString(dir.resolve("table.md"), table.toString());
        System.out.print("[compat] this run's table (target/compatibility/table.md):\n" + table);
        if (Boolean.getBoolean("compat.updateDocs")) {
            int b = doc.indexOf(BEGIN);
            int e = doc.indexOf(END);
            String head = doc.substring(b + BEGIN.length(), e).lines().takeWhile(l -> !isCaseRow(l))
                    .reduce("", (x, y) -> x + y + "\n");
            Files.writeString(docs(), doc.substring(0, b + BEGIN.length()) + head.stripTrailing().replaceFirst(
                    "^\n*", "\n") + "\n" + table + doc.substring(e));
        }
    }

    private static boolean isCaseRow(String line) {
        return line.startsWith("| `");
    }

    /** The table's case rows, by case id: the cells, trimmed; the case id without its backticks. */
    static Map<String, List<String>> rows(String doc) {
        int b = doc.indexOf(BEGIN);
        int e = doc.indexOf(END);
        assertTrue(b >= 0 && e > b, "docs/compatibility.md has no " + BEGIN + " ... " + END + " section");
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (String line : doc.substring(b, e).split("\n")) {
            if (!isCaseRow(line)) {
                continue;
            }
            String inner = line.strip();
            inner = inner.substring(1, inner.length() - 1);
            List<String> cells = new ArrayList<>();
            for (String cell : inner.split(" \\| ", -1)) {
                cells.add(cell.strip());
            }
            assertEquals(COLUMNS, cells.size(), "cells of row: " + line);
            String id = cells.get(0).replace("`", "");
            cells.set(0, "`" + id + "`");
            assertTrue(rows.put(id, cells) == null, "two rows for case " + id);
        }
        return rows;
    }
}
