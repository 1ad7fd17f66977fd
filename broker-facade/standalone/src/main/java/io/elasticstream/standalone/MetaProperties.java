package io.elasticstream.standalone;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.Properties;
import java.util.UUID;

/**
 * The data directory's identity, like Kafka's {@code meta.properties}: a cluster id generated on first
 * start (22-character URL-safe base64, Kafka's format) and kept for ever after.
 */
final class MetaProperties {
    private MetaProperties() {
    }

    static String loadOrCreateClusterId(Path dataDir) throws IOException {
        Path file = dataDir.resolve("meta.properties");
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader r = Files.newBufferedReader(file)) {
                props.load(r);
            }
            String id = props.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                return id.trim();
            }
        }
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
        if (id.startsWith("-")) {
            id = "A" + id.substring(1);
        }
        props.setProperty("cluster.id", id);
        props.setProperty("version", "1");
        Path tmp = dataDir.resolve("meta.properties.tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            props.store(w, "Elastic Stream data directory identity; do not edit");
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
