package io.elasticstream.streamclient.api;

import java.util.concurrent.CompletableFuture;

/** Opens streams. One instance per process; thread-safe. */
public interface StreamClient extends AutoCloseable {

    /**
     * Becomes the stream's writer: raises its epoch at PD (fencing older writers), seals the range the
     * previous writer left open at the end its replicas hold, and opens a new range after it.
     */
    CompletableFuture<Stream> openForWrite(long streamId);

    @Override
    void close();
}
