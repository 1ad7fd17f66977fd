package io.elasticstream.placement.metadata;

import java.util.ArrayList;
import java.util.List;

/**
 * An etcd-style transaction: if every compare holds, run {@code success}, else {@code failure}.
 *
 * <p>At most {@link #MAX_OPS} compares and as many ops per branch: etcd's default {@code --max-txn-ops}
 * (a bigger transaction fails there with "too many operations in txn request"). Every store refuses more,
 * here at construction, so a write that could outgrow it shows up in tests on the embedded store too:
 * anything proportional to a partition count must be split into several transactions.
 */
public record Txn(List<Compare> compares, List<Op> success, List<Op> failure) {
    /** etcd's default limit on compares, and on ops per branch, of one transaction. */
    public static final int MAX_OPS = 128;

    public Txn {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
        if (compares.size() > MAX_OPS || success.size() > MAX_OPS || failure.size() > MAX_OPS) {
            throw new IllegalArgumentException("transaction of " + compares.size() + " compares, " + success.size()
                    + " and " + failure.size() + " ops exceeds " + MAX_OPS + " per part (etcd --max-txn-ops)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<Compare> compares = new ArrayList<>();
        private final List<Op> success = new ArrayList<>();
        private final List<Op> failure = new ArrayList<>();

        public Builder when(Compare... cmps) {
            compares.addAll(List.of(cmps));
            return this;
        }

        public Builder success(Op... ops) {
            success.addAll(List.of(ops));
            return this;
        }

        public Builder success(List<Op> ops) {
            success.addAll(ops);
            return this;
        }

        public Builder failure(Op... ops) {
            failure.addAll(List.of(ops));
            return this;
        }

        public Txn build() {
            return new Txn(compares, success, failure);
        }
    }
}
