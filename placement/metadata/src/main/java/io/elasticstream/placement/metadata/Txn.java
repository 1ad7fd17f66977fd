package io.elasticstream.placement.metadata;

import java.util.ArrayList;
import java.util.List;

/** An etcd-style transaction: if every compare holds, run {@code success}, else {@code failure}. */
public record Txn(List<Compare> compares, List<Op> success, List<Op> failure) {

    public Txn {
        compares = List.copyOf(compares);
        success = List.copyOf(success);
        failure = List.copyOf(failure);
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
