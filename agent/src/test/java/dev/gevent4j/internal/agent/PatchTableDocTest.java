package dev.gevent4j.internal.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Ties the table "Every JDK patch of the agent" in docs/architecture.md to {@link PatchRegistry}, so that neither
 * drifts from the other: every option of the registry has rows and every row's option is in the registry, and every
 * patched method is named, with its class, in a row of its option. The table's prose (why, what it does on a
 * greenlet) stays hand-written; what it lists is checked here.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PatchTableDocTest {
    private static final Path DOC = Path.of("..", "docs", "architecture.md");
    private static final String SECTION = "## Every JDK patch of the agent";

    /** One row of the table: its option and its "JDK method" cell. */
    private record Row(String option, String methods) {}

    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("## ")) {
                in = line.equals(SECTION);
                continue;
            }
            if (!in || !line.startsWith("| ") || line.startsWith("| option ")) {
                continue;
            }
            String[] cells = line.split("\\|", -1);
            rows.add(new Row(cells[1].trim(), cells[2]));
        }
        return rows;
    }

    @Test
    void optionsOfTheTableAreTheRegistrysOptions() throws IOException {
        Set<String> inDoc = new TreeSet<>();
        for (Row r : rows()) {
            inDoc.add(r.option());
        }
        Set<String> inRegistry = new TreeSet<>();
        for (Patch p : PatchRegistry.ALL) {
            inRegistry.add(p.option());
        }
        assertEquals(inRegistry, inDoc, "options with rows in " + DOC + " vs options of PatchRegistry");
    }

    @Test
    void everyPatchedMethodIsNamedInARowOfItsOption() throws IOException {
        List<Row> rows = rows();
        List<String> missing = new ArrayList<>();
        for (Patch p : PatchRegistry.ALL) {
            Pattern method = Pattern.compile("(?<![\\w$<])" + Pattern.quote(p.method()) + "(?![\\w$>])"); // also <init>
            String cls = p.className().substring(p.className().lastIndexOf('.') + 1);
            String outer = cls.contains("$") ? cls.substring(0, cls.indexOf('$')) : cls;
            String inner = cls.substring(cls.indexOf('$') + 1);
            boolean named = rows.stream().anyMatch(r -> r.option().equals(p.option())
                    && method.matcher(r.methods()).find()
                    && (r.methods().contains(outer) || r.methods().contains(inner)));
            if (!named) {
                missing.add(p.id() + " [" + p.option() + "]");
            }
        }
        assertTrue(missing.isEmpty(), "patched methods not named in the table of " + DOC + ": " + missing);
    }
}
