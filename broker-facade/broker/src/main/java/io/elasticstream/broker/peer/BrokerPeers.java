package io.elasticstream.broker.peer;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/** Sends Kafka requests to other brokers of the cluster. */
public interface BrokerPeers extends AutoCloseable {
    /**
     * Sends {@code request} (at its latest allowed version: peers run the same build) to broker
     * {@code brokerId} at {@code host:port}; completes with the response, or exceptionally when the broker
     * cannot be reached, the connection drops, or no answer comes in time. Never hangs.
     */
    CompletableFuture<AbstractResponse> send(int brokerId, String host, int port, AbstractRequest.Builder<?> request);

    @Override
    void close();
}
