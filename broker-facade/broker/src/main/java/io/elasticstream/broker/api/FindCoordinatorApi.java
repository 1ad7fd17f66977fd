package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.RequestContext;

/**
 * FindCoordinator: the broker owning the key's partition of {@code __consumer_offsets} (key type GROUP) or
 * of {@code __transaction_state} (key type TRANSACTION); v4+ looks up several keys at once.
 */
final class FindCoordinatorApi implements RequestHandler {
    static final byte KEY_TYPE_GROUP = 0;
    static final byte KEY_TYPE_TRANSACTION = 1;

    private final BrokerConfig config;
    private final PlacementService placement;
    private final TopicService topics;
    private final CoordinatorTopic groups;
    private final CoordinatorTopic transactions;

    FindCoordinatorApi(BrokerConfig config, PlacementService placement, TopicService topics, CoordinatorTopic groups,
                       CoordinatorTopic transactions) {
        this.config = config;
        this.placement = placement;
        this.topics = topics;
        this.groups = groups;
        this.transactions = transactions;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        FindCoordinatorRequestData req = ((FindCoordinatorRequest) request).data();
        short version = context.apiVersion();
        byte keyType = version >= 1 ? req.keyType() : KEY_TYPE_GROUP;
        List<String> keys = version >= 4 ? req.coordinatorKeys() : List.of(req.key());
        CoordinatorTopic topic = keyType == KEY_TYPE_GROUP ? groups : keyType == KEY_TYPE_TRANSACTION ? transactions
                : null;
        CompletableFuture<List<Coordinator>> found;
        if (topic == null) {
            List<Coordinator> invalid = new ArrayList<>();
            keys.forEach(k -> invalid.add(CoordinatorTopic.error(new Coordinator().setKey(k).setNodeId(-1).setHost("")
                    .setPort(-1), Errors.INVALID_REQUEST, "Unsupported key type " + keyType)));
            found = CompletableFuture.completedFuture(invalid);
        } else {
            found = placement.brokers().thenCombine(topics.byName(topic.name()), (brokers, info) -> {
                List<Coordinator> list = new ArrayList<>();
                List<BrokerInfo> reachable = ListenerEndpoints.as(config, brokers, context.listenerName);
                keys.forEach(k -> list.add(topic.find(k, reachable, info)));
                return list;
            });
        }
        return found.thenApply(list -> {
            FindCoordinatorResponseData response = new FindCoordinatorResponseData().setThrottleTimeMs(0);
            if (version >= 4) {
                return response.setCoordinators(list);
            }
            Coordinator c = list.getFirst();
            response.setErrorCode(c.errorCode()).setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
            if (version >= 1) {
                response.setErrorMessage(c.errorMessage());
            }
            return response;
        });
    }
}
