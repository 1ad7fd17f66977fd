package io.elasticstream.rangestore.protocol;

/** A non-OK response from a range server, or a transport failure (then status is STORAGE_ERROR). */
public final class RpcException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Status status;

    public RpcException(Status status, String message) {
        super(status + ": " + message);
        this.status = status;
    }

    public RpcException(Status status, String message, Throwable cause) {
        super(status + ": " + message, cause);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
