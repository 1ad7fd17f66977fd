package io.elasticstream.placement.api;

/**
 * The outcome of one {@link PartitionMove} of {@link PlacementService#movePartitions}.
 *
 * @param message why the move did not happen; empty for {@link Outcome#MOVED} and {@link Outcome#ALREADY_OWNER}
 */
public record PartitionMoveResult(PartitionMove move, Outcome outcome, String message) {
    public PartitionMoveResult {
        if (move == null || outcome == null || message == null) {
            throw new IllegalArgumentException("move, outcome and message must not be null");
        }
    }

    /** What happened to one move. */
    public enum Outcome {
        /** Ownership moved to the target: leader epoch and stream epoch raised by one. */
        MOVED,
        /** The target already owned the partition; nothing changed. */
        ALREADY_OWNER,
        /** No such topic, or the topic has no such partition. */
        UNKNOWN_PARTITION,
        /** The target broker is not live (unknown, or its session expired). */
        BROKER_NOT_LIVE,
        /** The same partition appeared earlier in the request; only the first move counts. */
        DUPLICATE;

        public boolean succeeded() {
            return this == MOVED || this == ALREADY_OWNER;
        }
    }
}
