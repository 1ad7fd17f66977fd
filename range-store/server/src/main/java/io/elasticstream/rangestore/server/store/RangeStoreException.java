package io.elasticstream.rangestore.server.store;

import io.elasticstream.rangestore.protocol.Status;

/** A request the range store refuses, with the stream RPC status to answer. */
public final class RangeStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status status;

    public RangeStoreException(Status status, String message) {
        super(message);
        this.status = status;
    }

    public RangeStoreException(Status status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
