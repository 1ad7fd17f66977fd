package io.elasticstream.placement.server.codec;

/** A stored value that cannot be decoded: unknown format version, truncated or trailing bytes. */
public final class CorruptRecordException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
