package io.elasticstream.broker.net;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestContext;

/** Handles one parsed Kafka request; completes with the response body, or null for no response. */
@FunctionalInterface
public interface RequestHandler {
    CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request);

    /**
     * The connection {@code connectionId} (as in its requests' {@code RequestContext}) closed: state tied to it
     * may go. Called on its event loop: quick, never throws.
     */
    default void connectionClosed(String connectionId) {
    }
}
