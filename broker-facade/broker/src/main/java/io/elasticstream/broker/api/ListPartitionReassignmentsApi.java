package io.elasticstream.broker.api;

import io.elasticstream.broker.net.RequestHandler;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * ListPartitionReassignments: always none. A reassignment here is an ownership change at PD that is
 * complete by the time AlterPartitionReassignments answers (nothing is copied), so none is ever in
 * progress; requested topics and partitions that do not exist are skipped, as Kafka's controller does.
 */
final class ListPartitionReassignmentsApi implements RequestHandler {
    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        return CompletableFuture.completedFuture(new ListPartitionReassignmentsResponseData().setThrottleTimeMs(0)
                .setErrorCode(Errors.NONE.code()));
    }
}
