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

        private final String topic;

        public TopicExists(String topic) {
            super("topic '" + topic + "' already exists");
            this.topic = topic;
        }

        public String topic() {
            return topic;
        }
    }

    public static final class UnknownTopic extends PlacementException {
        private static final long serialVersionUID = 1L;

        private final String topic;

        public UnknownTopic(String topic) {
            super("topic '" + topic + "' does not exist");
            this.topic = topic;
        }

        public String topic() {
            return topic;
        }
    }

    public static final class UnknownStream extends PlacementException {
        private static final long serialVersionUID = 1L;

        private final long streamId;

        public UnknownStream(long streamId) {
            super("stream " + streamId + " does not exist");
            this.streamId = streamId;
        }

        public long streamId() {
            return streamId;
        }
    }

    /** A newer writer owns the stream; the caller must stop writing it. */
    public static final class FencedEpoch extends PlacementException {
        private static final long serialVersionUID = 1L;

        private final long streamId;
        private final long callerEpoch;
        private final long currentEpoch;

        public FencedEpoch(long streamId, long callerEpoch, long currentEpoch) {
            super("stream " + streamId + ": epoch " + callerEpoch + " is fenced by epoch " + currentEpoch);
            this.streamId = streamId;
            this.callerEpoch = callerEpoch;
            this.currentEpoch = currentEpoch;
        }

        public long streamId() {
            return streamId;
        }

        public long callerEpoch() {
            return callerEpoch;
        }

        public long currentEpoch() {
            return currentEpoch;
        }
    }

    /** Not enough live range servers to place a range with the stream's replica count. */
    public static final class NotEnoughRangeServers extends PlacementException {
        private static final long serialVersionUID = 1L;

        private final int needed;
        private final int live;

        public NotEnoughRangeServers(int needed, int live) {
            super("need " + needed + " live range servers, have " + live);
            this.needed = needed;
            this.live = live;
        }

        public int needed() {
            return needed;
        }

        public int live() {
            return live;
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

        private final String topic;
        private final int current;
        private final int requested;

        public InvalidPartitionCount(String topic, int current, int requested) {
            super("topic '" + topic + "' has " + current + " partitions; " + requested + " is not an increase");
            this.topic = topic;
            this.current = current;
            this.requested = requested;
        }

        public String topic() {
            return topic;
        }

        public int current() {
            return current;
        }

        public int requested() {
            return requested;
        }
    }

    /** This placement driver lost (or never had) the leadership; the caller should find the leader and retry. */
    public static final class NotLeader extends PlacementException {
        private static final long serialVersionUID = 1L;

        public NotLeader(String message) {
            super(message);
        }
    }

    /**
     * A member's session expired (or never existed): PD considers it dead and may have moved its work
     * away. The member must register again.
     */
    public static final class SessionExpired extends PlacementException {
        private static final long serialVersionUID = 1L;

        private final String member;

        public SessionExpired(String member) {
            super(member + " has no live session; register again");
            this.member = member;
        }

        public String member() {
            return member;
        }
    }
}
