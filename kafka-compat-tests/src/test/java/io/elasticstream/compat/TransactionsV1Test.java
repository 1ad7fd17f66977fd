package io.elasticstream.compat;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TransactionScenarios} with {@code transaction.version=1}: clients add their partitions and offsets with AddPartitionsToTxn and AddOffsetsToTxn. */
class TransactionsV1Test extends TransactionScenarios {
    @RegisterExtension
    static final StandaloneServerExtension SERVER = server("transactions-v1", 1);

    @Override
    int transactionVersion() {
        return 1;
    }

    @Override
    String bootstrapServers() {
        return SERVER.bootstrapServers();
    }
}
