package io.elasticstream.placement.server.election;

/** Told when this candidate wins or loses the leadership; runs on the election thread, must not block long. */
public interface ElectionListener {

    void onElected(Leadership leadership);

    /** The leadership ended (lease lost, key gone or replaced, or the election closed). */
    void onDeposed(Leadership leadership, String reason);
}
