package io.elasticstream.placement.api;

import java.security.SecureRandom;

/**
 * A topic's stable 128-bit id (Kafka's topic id). Never all zeros, never 1 (Kafka's metadata topic
 * id), and never one whose base64 form starts with '-' (Kafka tools reject those as arguments).
 */
public record TopicId(long mostSignificantBits, long leastSignificantBits) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static TopicId random() {
        while (true) {
            TopicId id = new TopicId(RANDOM.nextLong(), RANDOM.nextLong());
            boolean zero = id.mostSignificantBits == 0 && id.leastSignificantBits == 0;
            boolean metadataTopic = id.mostSignificantBits == 0 && id.leastSignificantBits == 1;
            boolean dashFirst = ((id.mostSignificantBits >>> 58) & 0x3f) == 62; // '-' in URL-safe base64
            if (!zero && !metadataTopic && !dashFirst) {
                return id;
            }
        }
    }
}
