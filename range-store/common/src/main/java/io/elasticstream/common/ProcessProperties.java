package io.elasticstream.common;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The configuration of a cluster process ({@code bin/pd}, {@code bin/range-server}, {@code bin/broker}):
 * {@code [--config FILE] [--override key=value]...}, later values winning, with typed getters.
 */
public record ProcessProperties(Properties properties) {

    public static ProcessProperties parse(String[] args, String usage) throws IOException {
        Properties props = new Properties();
        Properties overrides = new Properties();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--config" -> {
                    try (Reader r = Files.newBufferedReader(Path.of(value(args, ++i, arg, usage)))) {
                        props.load(r);
                    }
                }
                case "--override" -> {
                    String o = value(args, ++i, arg, usage);
                    int eq = o.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--override expects key=value, got '" + o + "'");
                    }
                    overrides.setProperty(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
                }
                case "-h", "--help" -> throw new IllegalArgumentException(usage);
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + usage);
            }
        }
        props.putAll(overrides);
        return new ProcessProperties(props);
    }

    private static String value(String[] args, int i, String flag, String usage) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + usage);
        }
        return args[i];
    }

    public String string(String key, String defaultValue) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? defaultValue : v.trim();
    }

    public String required(String key) {
        String v = properties.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("property '" + key + "' is required");
        }
        return v.trim();
    }

    public int intValue(String key, int defaultValue) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
    }

    public long longValue(String key, long defaultValue) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? defaultValue : Long.parseLong(v.trim());
    }
}
