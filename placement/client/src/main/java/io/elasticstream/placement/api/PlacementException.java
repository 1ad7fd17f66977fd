package io.elasticstream.placement.api;

/** Errors PD reports; one subtype per outcome a caller handles differently. */
public class PlacementException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlacementException(String message) {
        super(message);
    }

    public PlacementException(String message, Throwable cause) {
        super(message, cause);
    }

    public static final class TopicExists extends PlacementException {
        private static final long serialVersionUID = 1L;

        public TopicExists(String topic) {
            super("topic '" + topic + "' already exists");
        }
    }

    public static final class UnknownTopic extends PlacementException {
        private static final long serialVersionUID = 1L;

        public UnknownTopic(String topic) {
            super("topic '" + topic + "' does not exist");
        }
    }

    public static final class UnknownStream extends PlacementException {
        private static final long serialVersionUID = 1L;

        public UnknownStream(long streamId) {
            super("stream " + streamId + " does not exist");
        }
    }

    /** A newer writer owns the stream; the caller must stop writing it. */
    public static final class FencedEpoch extends PlacementException {
        private static final long serialVersionUID = 1L;

        public FencedEpoch(long streamId, long callerEpoch, long currentEpoch) {
            super("stream " + streamId + ": epoch " + callerEpoch + " is fenced by epoch " + currentEpoch);
        }
    }

    /** Not enough live range servers to place a range with the stream's replica count. */
    public static final class NotEnoughRangeServers extends PlacementException {
        private static final long serialVersionUID = 1L;

        public NotEnoughRangeServers(int needed, int live) {
            super("need " + needed + " live range servers, have " + live);
        }
    }

    public static final class NoLiveBroker extends PlacementException {
        private static final long serialVersionUID = 1L;

        public NoLiveBroker() {
            super("no live broker to own partitions");
        }
    }

    /** A request that contradicts the stream's current ranges (wrong index, gap, sealing twice differently). */
    public static final class InvalidRangeState extends PlacementException {
        private static final long serialVersionUID = 1L;

        public InvalidRangeState(String message) {
            super(message);
        }
    }

    /** A partition count that does not increase the topic's current one. */
    public static final class InvalidPartitionCount extends PlacementException {
        private static final long serialVersionUID = 1L;

        public InvalidPartitionCount(String topic, int current, int requested) {
            super("topic '" + topic + "' has " + current + " partitions; " + requested + " is not an increase");
        }
    }

    /** This placement driver lost (or never had) the leadership; the caller should find the leader and retry. */
    public static final class NotLeader extends PlacementException {
        private static final long serialVersionUID = 1L;

        public NotLeader(String message) {
            super(message);
        }
    }
}
