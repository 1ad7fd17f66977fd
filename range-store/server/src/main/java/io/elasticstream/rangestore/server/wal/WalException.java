package io.elasticstream.rangestore.server.wal;

/** An I/O failure or a corrupt/missing record in the WAL. Operating error: surfaced as retriable. */
public class WalException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WalException(String message) {
        super(message);
    }

    public WalException(String message, Throwable cause) {
        super(message, cause);
    }
}
