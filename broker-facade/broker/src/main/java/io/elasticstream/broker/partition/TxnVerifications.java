package io.elasticstream.broker.partition;

import java.util.HashMap;
import java.util.Map;

/**
 * KIP-890's verification state of one partition (Kafka's {@code VerificationStateEntry}): a producer without
 * a transaction open here may write its transaction's first batch only once the transaction's coordinator
 * has confirmed the partition is in the transaction. A verification begins before the coordinator is asked
 * ({@link #begin}, which gives a token), is confirmed with that token ({@link #confirm}), and ends with the
 * append that opens the transaction or with a marker of the producer ({@link #end}),
 * so an answer that was true before a marker cannot admit a write after it: that write would begin a
 * transaction the coordinator does not know of (a hanging transaction). Not thread-safe: the owning
 * partition's monitor guards it.
 */
public final class TxnVerifications {
    /** A verification in progress or confirmed; identity is what matters. */
    public static final class Token {
        private boolean confirmed;
    }

    private final Map<Long, Token> byProducer = new HashMap<>();

    /**
     * The producer's verification: the one in progress (pipelined requests of a producer share it), or a new
     * one.
     */
    Token begin(long producerId) {
        return byProducer.computeIfAbsent(producerId, id -> new Token());
    }

    /**
     * The coordinator's answer for {@code token}: confirmed, or refused (the verification is dropped). An
     * answer for a verification a marker ended is ignored.
     */
    void confirm(long producerId, Token token, boolean inTransaction) {
        if (byProducer.get(producerId) != token) {
            return;
        }
        if (inTransaction) {
            token.confirmed = true;
        } else {
            byProducer.remove(producerId);
        }
    }

    /** Whether the producer may write its transaction's first batch here. */
    boolean isConfirmed(long producerId) {
        Token token = byProducer.get(producerId);
        return token != null && token.confirmed;
    }

    /**
     * Ends the producer's verification: its transaction opened here (later batches need none), or a marker of
     * it was written (what was verified before no longer holds).
     */
    void end(long producerId) {
        byProducer.remove(producerId);
    }
}
