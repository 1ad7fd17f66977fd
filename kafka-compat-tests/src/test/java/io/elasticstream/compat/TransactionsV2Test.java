package io.elasticstream.compat;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link TransactionScenarios} with {@code transaction.version=2} (the default, as in Kafka 4.4): partitions join on produce, every EndTxn bumps the epoch. */
class TransactionsV2Test extends TransactionScenarios {
    @RegisterExtension
    static final StandaloneServerExtension SERVER = server("transactions-v2", 2);

    @Override
    int transactionVersion() {
        return 2;
    }

    @Override
    String bootstrapServers() {
        return SERVER.bootstrapServers();
    }
}
