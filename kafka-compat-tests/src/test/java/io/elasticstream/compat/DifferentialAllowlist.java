package io.elasticstream.compat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The differences between Apache Kafka and us that the differential suite accepts, from the resource
 * {@code differential-allowlist.txt}. One entry per line: {@code scenario | key pattern | reason} (the
 * separators are a '|' with whitespace on both sides, so a pattern may use '|' without spaces), where
 * scenario is a scenario name or {@code *}, the key pattern is a Java regular expression that must match
 * the whole observation name, and the reason says why the difference must exist (a reason starting with
 * {@code KNOWN GAP:} marks a bug of ours that is not fixed yet). Blank lines and lines starting with
 * {@code #} are ignored. Immutable.
 */
public final class DifferentialAllowlist {
    /** The classpath resource the suite reads. */
    public static final String RESOURCE = "differential-allowlist.txt";

    /** One accepted difference. */
    public record Entry(String scenario, Pattern keyPattern, String reason, int line) {
        boolean matches(String scenarioName, String key) {
            return (scenario.equals("*") || scenario.equals(scenarioName)) && keyPattern.matcher(key).matches();
        }

        @Override
        public String toString() {
            return "line " + line + " (" + scenario + " | " + keyPattern + " | " + reason + ")";
        }
    }

    private final List<Entry> entries;

    private DifferentialAllowlist(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** The suite's allow-list resource. */
    public static DifferentialAllowlist load() {
        try (InputStream in = DifferentialAllowlist.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the test classpath");
            }
            return parse(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** Parses allow-list text; a malformed line is an error naming the line. */
    public static DifferentialAllowlist parse(String text) {
        try {
            return parse(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DifferentialAllowlist parse(Reader reader) throws IOException {
        List<Entry> entries = new ArrayList<>();
        BufferedReader lines = new BufferedReader(reader);
        int number = 0;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            number++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.split("\\s+\\|\\s+", 3);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isBlank()) {
                throw new IllegalArgumentException(RESOURCE + " line " + number
                        + ": expected 'scenario | key pattern | reason', got: " + line);
            }
            try {
                entries.add(new Entry(parts[0], Pattern.compile(parts[1]), parts[2].strip(), number));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException(RESOURCE + " line " + number + ": bad key pattern", e);
            }
        }
        return new DifferentialAllowlist(entries);
    }

    /** The first entry that accepts a difference at {@code key} in {@code scenario}. */
    public Optional<Entry> find(String scenario, String key) {
        return entries.stream().filter(e -> e.matches(scenario, key)).findFirst();
    }

    public List<Entry> entries() {
        return entries;
    }
}
