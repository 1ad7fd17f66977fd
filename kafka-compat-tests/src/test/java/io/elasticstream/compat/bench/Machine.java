package io.elasticstream.compat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** A one-line description of the machine the benchmark ran on (cores, memory, CPU model, OS, JDK). */
final class Machine {
    private Machine() {
    }

    static String describe() {
        int cores = Runtime.getRuntime().availableProcessors();
        return String.format(Locale.ROOT, "%d cores (%s), %s RAM, %s %s, JDK %s", cores, cpuModel(), memory(),
                System.getProperty("os.name"), System.getProperty("os.version"), Runtime.version());
    }

    /** The 1-minute load average now ({@code /proc/loadavg}), a rough sign of other work on the machine. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        return procLine(Path.of("/proc/cpuinfo"), "model name").replaceFirst("^[^:]*:\\s*", "");
    }

    private static String memory() {
        String line = procLine(Path.of("/proc/meminfo"), "MemTotal:");
        if (line.isEmpty()) {
            return "unknown";
        }
        long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
        return String.format(Locale.ROOT, "%.0f GiB", kib / 1024.0 / 1024.0);
    }

    private static String procLine(Path file, String prefix) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith(prefix)).findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }
}
