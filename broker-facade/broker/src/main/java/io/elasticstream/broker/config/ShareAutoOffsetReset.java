package io.elasticstream.broker.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * A value of the group config {@code share.auto.offset.reset}: where a share-partition starts when it has no
 * state yet. As Kafka 4.4 parses it ({@code ShareGroupAutoOffsetResetStrategy}): exactly {@code earliest},
 * {@code latest}, or {@code by_duration:} and an ISO-8601 duration that is not negative ({@code PT1H}, case
 * insensitive as {@link Duration#parse} is); {@code none} and anything else are refused.
 *
 * @param strategy which of the three
 * @param duration for {@link Strategy#BY_DURATION}, how far before now to start; otherwise {@link Duration#ZERO}
 */
public record ShareAutoOffsetReset(Strategy strategy, Duration duration) {
    private static final String BY_DURATION_PREFIX = "by_duration:";

    public static final ShareAutoOffsetReset EARLIEST = new ShareAutoOffsetReset(Strategy.EARLIEST, Duration.ZERO);
    public static final ShareAutoOffsetReset LATEST = new ShareAutoOffsetReset(Strategy.LATEST, Duration.ZERO);

    /** Kafka's validator of the config, with its message and its description ({@code toString}). */
    public static final ConfigDef.Validator VALIDATOR = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            try {
                parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, "Invalid value `" + value + "` for configuration " + name
                        + ". The value must be either 'earliest', 'latest' or of the format "
                        + "'by_duration:<PnDTnHnMn.nS>'.");
            }
        }

        @Override
        public String toString() {
            return "[latest, earliest, by_duration:PnDTnHnMn.nS]";
        }
    };

    /** The strategies. */
    public enum Strategy { EARLIEST, LATEST, BY_DURATION }

    public ShareAutoOffsetReset {
        if (duration.isNegative() || (strategy != Strategy.BY_DURATION && !duration.isZero())) {
            throw new IllegalArgumentException("invalid " + strategy + " duration " + duration);
        }
    }

    /** Parses a config value; throws {@link IllegalArgumentException} for one Kafka refuses. */
    public static ShareAutoOffsetReset parse(String value) {
        if (value == null) {
            throw new IllegalArgumentException("share.auto.offset.reset must not be null");
        }
        if (value.equals("earliest")) {
            return EARLIEST;
        }
        if (value.equals("latest")) {
            return LATEST;
        }
        if (value.startsWith(BY_DURATION_PREFIX)) {
            Duration duration;
            try {
                duration = Duration.parse(value.substring(BY_DURATION_PREFIX.length()));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("Unable to parse duration string in by_duration offset reset "
                        + "strategy.", e);
            }
            if (duration.isNegative()) {
                throw new IllegalArgumentException("Negative duration is not supported in by_duration offset "
                        + "reset strategy.");
            }
            return new ShareAutoOffsetReset(Strategy.BY_DURATION, duration);
        }
        throw new IllegalArgumentException("Unknown share auto offset reset strategy: " + value);
    }

    /**
     * For {@link Strategy#BY_DURATION}, the timestamp to look up (records at or after it are delivered),
     * {@code nowMs} minus the duration; -1 for the others.
     */
    public long timestampMs(long nowMs) {
        return strategy == Strategy.BY_DURATION ? nowMs - duration.toMillis() : -1;
    }

    @Override
    public String toString() {
        return switch (strategy) {
            case EARLIEST -> "earliest";
            case LATEST -> "latest";
            case BY_DURATION -> BY_DURATION_PREFIX + duration;
        };
    }
}
