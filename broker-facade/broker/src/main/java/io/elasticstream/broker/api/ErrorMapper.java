package io.elasticstream.broker.api;

import io.elasticstream.placement.api.PlacementException;
import io.elasticstream.streamclient.api.StreamException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one place where internal failures become Kafka error codes. */
public final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorMapper.class);

    private ErrorMapper() {
    }

    public static Throwable unwrap(Throwable t) {
        return io.elasticstream.common.Failures.cause(t);
    }

    public static Errors toErrors(Throwable t) {
        Throwable c = unwrap(t);
        if (c instanceof ApiException) {
            return Errors.forException(c);
        }
        if (c instanceof PlacementException pe) {
            return switch (pe) {
                case PlacementException.TopicExists e -> Errors.TOPIC_ALREADY_EXISTS;
                case PlacementException.UnknownTopic e -> Errors.UNKNOWN_TOPIC_OR_PARTITION;
                case PlacementException.InvalidPartitionCount e -> Errors.INVALID_PARTITIONS;
                case PlacementException.FencedEpoch e -> Errors.NOT_LEADER_OR_FOLLOWER;
                case PlacementException.NotEnoughRangeServers e -> Errors.NOT_ENOUGH_REPLICAS;
                case PlacementException.NoLiveBroker e -> Errors.BROKER_NOT_AVAILABLE;
                default -> logged(Errors.UNKNOWN_SERVER_ERROR, c);
            };
        }
        if (c instanceof StreamException se) {
            return switch (se) {
                case StreamException.Fenced e -> Errors.NOT_LEADER_OR_FOLLOWER;
                case StreamException.OffsetOutOfRange e -> Errors.OFFSET_OUT_OF_RANGE;
                default -> Errors.KAFKA_STORAGE_ERROR;
            };
        }
        return logged(Errors.UNKNOWN_SERVER_ERROR, c);
    }

    /** A message for the client: the exception's own for API errors, else the error's default. */
    public static String message(Throwable t, Errors error) {
        Throwable c = unwrap(t);
        return c instanceof ApiException || c instanceof PlacementException ? c.getMessage() : error.message();
    }

    private static Errors logged(Errors error, Throwable cause) {
        LOG.error("Unexpected failure answered with {}", error, cause);
        return error;
    }
}
