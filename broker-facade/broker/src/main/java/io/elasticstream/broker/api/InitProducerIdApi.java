package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * InitProducerId for idempotent (non-transactional) producers: a fresh producer id with epoch 0, or,
 * when an existing producer asks for an epoch bump (v3+, KIP-360), the same id with the next epoch
 * (a fresh id once the epoch would overflow). A request with a transactional id goes to the transaction
 * coordinator ({@link TxnApis#initProducerId}).
 */
final class InitProducerIdApi implements RequestHandler {
    private final ProducerIdAllocator ids;
    private final TxnApis transactions;

    InitProducerIdApi(ProducerIdAllocator ids, TxnApis transactions) {
        this.ids = ids;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        InitProducerIdRequestData data = ((InitProducerIdRequest) request).data();
        if (data.transactionalId() != null) {
            return transactions.initProducerId(context, data);
        }
        if (data.producerId() != RecordBatch.NO_PRODUCER_ID && data.producerEpoch() >= 0
                && data.producerEpoch() < Short.MAX_VALUE - 1) {
            return CompletableFuture.completedFuture(new InitProducerIdResponseData()
                    .setProducerId(data.producerId()).setProducerEpoch((short) (data.producerEpoch() + 1)));
        }
        return ids.nextId().<ApiMessage>thenApply(id -> new InitProducerIdResponseData().setProducerId(id)
                .setProducerEpoch((short) 0))
                .exceptionally(err -> error(ErrorMapper.toErrors(err)));
    }

    private static InitProducerIdResponseData error(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code())
                .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
    }
}
