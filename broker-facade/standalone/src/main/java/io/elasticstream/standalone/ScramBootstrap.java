package io.elasticstream.standalone;

import io.elasticstream.placement.api.PlacementService;
import io.elasticstream.placement.api.ScramCredential;
import io.elasticstream.broker.security.ScramKeys;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCRAM users of {@code --add-scram}, in {@code kafka-storage format --add-scram}'s syntax:
 * {@code SCRAM-SHA-256=[name=admin,password=admin-secret]} with optional {@code iterations=N} (default 4096) and
 * {@code salt=<hex>} (default random). Each is created when the broker starts unless the user already has a
 * credential for that mechanism (so a restart with the same flags changes nothing, and a password changed since
 * through {@code kafka-configs} stays changed). Only the salted keys reach placement metadata.
 */
final class ScramBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(ScramBootstrap.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private ScramBootstrap() {
    }

    static void addMissing(List<String> specs, PlacementService placement) throws Exception {
        List<ScramCredential> missing = new ArrayList<>();
        for (String spec : specs) {
            ScramCredential c = parse(spec);
            boolean exists = placement.scramCredentials(c.user()).get(30, TimeUnit.SECONDS).stream()
                    .anyMatch(stored -> stored.mechanism().equals(c.mechanism()));
            if (exists) {
                LOG.info("SCRAM user '{}' already has a {} credential; --add-scram leaves it", c.user(), c.mechanism());
            } else {
                missing.add(c);
            }
        }
        if (!missing.isEmpty()) {
            placement.alterScramCredentials(missing, List.of()).get(30, TimeUnit.SECONDS);
            missing.forEach(c -> LOG.info("Created SCRAM user '{}' ({})", c.user(), c.mechanism()));
        }
    }

    /** The credential {@code spec} describes, with its keys derived here. */
    static ScramCredential parse(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0 || !spec.endsWith("]") || spec.charAt(eq + 1) != '[') {
            throw new IllegalArgumentException("--add-scram expects MECHANISM=[name=USER,password=PASSWORD], got '"
                    + spec + "'");
        }
        String mechanismName = spec.substring(0, eq).trim();
        ScramMechanism mechanism = ScramMechanism.forMechanismName(mechanismName);
        if (mechanism == null) {
            throw new IllegalArgumentException("--add-scram: unknown SCRAM mechanism '" + mechanismName
                    + "' (SCRAM-SHA-256 or SCRAM-SHA-512)");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : spec.substring(eq + 2, spec.length() - 1).split(",")) {
            int feq = field.indexOf('=');
            if (feq <= 0) {
                throw new IllegalArgumentException("--add-scram: expected key=value, got '" + field + "' in '" + spec + "'");
            }
            fields.put(field.substring(0, feq).trim(), unquote(field.substring(feq + 1).trim()));
        }
        String name = fields.get("name");
        String password = fields.get("password");
        if (name == null || name.isEmpty() || password == null) {
            throw new IllegalArgumentException("--add-scram needs name= and password=, got '" + spec + "'");
        }
        int iterations = Integer.parseInt(fields.getOrDefault("iterations", "4096"));
        String refusal = ScramKeys.iterationsRefusal(mechanism, iterations);
        if (refusal != null) {
            throw new IllegalArgumentException("--add-scram: " + refusal + " (" + mechanism.minIterations() + ".."
                    + mechanism.maxIterations() + "), got " + iterations);
        }
        byte[] salt = fields.containsKey("salt") ? HexFormat.of().parseHex(fields.get("salt"))
                : ScramFormatter.secureRandomBytes(RANDOM);
        return ScramKeys.fromPassword(name, mechanism, password, salt, iterations);
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }
}
