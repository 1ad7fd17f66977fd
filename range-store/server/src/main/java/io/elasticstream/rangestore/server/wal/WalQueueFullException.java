package io.elasticstream.rangestore.server.wal;

/**
 * An append refused because the log already holds {@link WalConfig#maxQueuedBytes()} of accepted, not yet
 * durable bytes: overload, not failure. Nothing of the refused record was queued, and the log goes on
 * taking appends once the queue drains. Completes the append's future at once, on the caller's thread.
 */
public final class WalQueueFullException extends WalException {
    private static final long serialVersionUID = 1L;

    public WalQueueFullException(String message) {
        super(message);
    }
}
