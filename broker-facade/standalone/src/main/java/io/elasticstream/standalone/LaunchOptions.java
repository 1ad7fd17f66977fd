package io.elasticstream.standalone;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Command line of the standalone launcher, as Kafka's start script has it: a properties file, then
 * {@code --override key=value} pairs, then the {@code --data-dir} and {@code --port} shorthands.
 *
 * <pre>
 * [--config FILE] [--data-dir DIR] [--port PORT] [--override key=value]... [--add-scram CREDENTIAL]...
 * ({@code --add-scram} as in {@code kafka-storage format}: a SCRAM user created at start-up unless it exists)
 * </pre>
 */
record LaunchOptions(Properties properties, List<String> addScram) {
    LaunchOptions(Properties properties) {
        this(properties, List.of());
    }

    static final String USAGE = "usage: quickstart [--config FILE] [--data-dir DIR] [--port PORT] [--override key=value]... "
            + "[--add-scram 'SCRAM-SHA-256=[name=USER,password=PASSWORD]']...";

    static LaunchOptions parse(String[] args) throws IOException {
        Path config = null;
        String dataDir = null;
        String port = null;
        List<String> overrides = new ArrayList<>();
        List<String> addScram = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--config" -> config = Path.of(value(args, ++i, arg));
                case "--data-dir" -> dataDir = value(args, ++i, arg);
                case "--port" -> port = value(args, ++i, arg);
                case "--override" -> overrides.add(value(args, ++i, arg));
                case "--add-scram" -> addScram.add(value(args, ++i, arg));
                case "-h", "--help" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown argument '" + arg + "'\n" + USAGE);
            }
        }
        Properties props = new Properties();
        if (config != null) {
            try (Reader r = Files.newBufferedReader(config)) {
                props.load(r);
            }
        }
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--override expects key=value, got '" + o + "'");
            }
            props.setProperty(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        if (dataDir != null) {
            props.setProperty("data.dir", dataDir);
        }
        if (port != null) {
            int p = Integer.parseInt(port.trim());
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("--port must be 0..65535, got " + p);
            }
            // --port sets the first listener; further ones (SASL_SSL://..., given with --override) stay.
            List<String> rest = new ArrayList<>(List.of(props.getProperty("listeners", "").split(",")));
            rest.removeIf(String::isBlank);
            if (!rest.isEmpty()) {
                rest.removeFirst();
            }
            rest.addFirst("PLAINTEXT://127.0.0.1:" + p);
            props.setProperty("listeners", String.join(",", rest));
            if (overrides.stream().noneMatch(o -> o.substring(0, o.indexOf('=')).trim().equals("advertised.listeners"))) {
                props.remove("advertised.listeners"); // one from a config file named the config's own port
            }
        }
        return new LaunchOptions(props, List.copyOf(addScram));
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
        }
        return args[i];
    }

    Path dataDir() {
        return Path.of(properties.getProperty("data.dir", "data"));
    }

    int intProperty(String key, int defaultValue) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? defaultValue : Integer.parseInt(v.trim());
    }

    long longProperty(String key, long defaultValue) {
        String v = properties.getProperty(key);
        return v == null || v.isBlank() ? defaultValue : Long.parseLong(v.trim());
    }
}
