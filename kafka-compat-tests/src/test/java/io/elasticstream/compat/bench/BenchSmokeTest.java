package io.elasticstream.compat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bench --short} runs end to end against both brokers and prints the comparison table. A smoke
 * test only: no performance thresholds, and our broker may fail steps (they are reported, not fatal); the
 * Apache Kafka column must be complete, since a gap there is a bug in the benchmark itself.
 */
class BenchSmokeTest {
    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void shortBenchPrintsTheSideBySideTableAndKeepsOtherSectionsOfTheOutputFile(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("benchmarks.md");
        Files.writeString(out, "# Benchmarks\n\n## WAL\n\nkept\n", StandardCharsets.UTF_8);
        Path stdout = dir.resolve("bench.out");
        Path esHome = Path.of(System.getProperty("es.home")).toAbsolutePath().normalize();
        Process process = new ProcessBuilder(esHome.resolve("bin/bench").toString(), "--short", "--no-build",
                "--out", out.toString())
                .directory(esHome.toFile())
                .redirectErrorStream(true)
                .redirectOutput(stdout.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        try {
            assertTrue(process.waitFor(5, TimeUnit.MINUTES), "bin/bench --short finished within 5 minutes");
        } finally {
            if (process.isAlive()) {
                process.destroy(); // SIGTERM: the driver's shutdown hooks stop the brokers it started
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            }
        }
        String printed = Files.readString(stdout, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), "bin/bench exit code; output:\n" + printed);

        List<String> rows = printed.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Metric")).toList();
        assertEquals(Metric.values().length, rows.size(), "one table row per metric:\n" + printed);
        for (String row : rows) {
            String kafkaCell = row.split("\\|")[3].strip();
            assertFalse(kafkaCell.equals("failed") || kafkaCell.isEmpty(), "Apache Kafka value missing: " + row);
        }
        String written = Files.readString(out, StandardCharsets.UTF_8);
        assertTrue(written.contains(BenchReport.HEADING) && written.contains("| Metric |"), written);
        assertTrue(written.contains("## WAL\n\nkept\n"), "other sections survive:\n" + written);
    }
}
