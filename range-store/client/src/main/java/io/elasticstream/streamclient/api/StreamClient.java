package io.elasticstream.streamclient.api;

import io.elasticstream.placement.api.StreamInfo;

import java.util.concurrent.CompletableFuture;

/** Opens streams. One instance per process; thread-safe. */
public interface StreamClient extends AutoCloseable {

    /**
     * Becomes the stream's writer: raises its epoch at PD (fencing older writers), seals the range the
     * previous writer left open at the end its replicas hold, and opens a new range after it.
     */
    CompletableFuture<Stream> openForWrite(long streamId);

    /**
     * Drops every range of a deleted stream from its replicas (a TRIM to {@code Long.MAX_VALUE} to each
     * replica of each range PD lists), freeing their space. Best effort: failures are logged, not
     * surfaced; completes once every request settled. For whoever deletes the stream (topic deletion):
     * call it after the stream is gone for writers; the stream's PD metadata is not touched.
     */
    CompletableFuture<Void> dropRanges(long streamId);

    /**
     * As {@link #dropRanges(long)} for the ranges of {@code stream} as described before its deletion at PD
     * (a deleted stream can no longer be described there).
     */
    CompletableFuture<Void> dropRanges(StreamInfo stream);

    @Override
    void close();
}
