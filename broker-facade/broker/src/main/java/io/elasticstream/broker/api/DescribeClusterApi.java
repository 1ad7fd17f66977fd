package io.elasticstream.broker.api;

import io.elasticstream.broker.BrokerConfig;
import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.placement.api.BrokerInfo;
import io.elasticstream.placement.api.PlacementService;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.utils.Utils;

/**
 * DescribeCluster v0–2 as a Kafka 4.4 broker answers it: cluster id, controller (this broker, as in
 * Metadata), the live brokers (none fenced: PD lists registered brokers only), and, when asked, every
 * cluster operation as authorized (there is no authorizer). A request for the controllers' endpoints
 * gets MISMATCHED_ENDPOINT_TYPE, as a broker listener answers it.
 */
final class DescribeClusterApi implements RequestHandler {
    /** Kafka's {@code AclEntry.supportedOperations(CLUSTER)}. */
    private static final Set<Byte> CLUSTER_OPERATIONS = Set.of(AclOperation.CREATE.code(),
            AclOperation.CLUSTER_ACTION.code(), AclOperation.DESCRIBE_CONFIGS.code(), AclOperation.ALTER_CONFIGS.code(),
            AclOperation.IDEMPOTENT_WRITE.code(), AclOperation.ALTER.code(), AclOperation.DESCRIBE.code());
    private static final byte BROKERS_ENDPOINT = 1;

    private final BrokerConfig config;
    private final PlacementService placement;

    DescribeClusterApi(BrokerConfig config, PlacementService placement) {
        this.config = config;
        this.placement = placement;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        DescribeClusterRequestData data = ((DescribeClusterRequest) request).data();
        short version = context.apiVersion();
        DescribeClusterResponseData response = new DescribeClusterResponseData().setThrottleTimeMs(0);
        if (version >= 1 && data.endpointType() != BROKERS_ENDPOINT) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                    .setErrorMessage("The request was sent to an endpoint of type BROKER, but we wanted an endpoint "
                            + "of type " + (data.endpointType() == 2 ? "CONTROLLER" : "UNKNOWN"))
                    .setEndpointType(BROKERS_ENDPOINT));
        }
        return placement.brokers().thenApply(brokers -> {
            response.setErrorCode(Errors.NONE.code()).setClusterId(config.clusterId()).setControllerId(config.nodeId())
                    .setClusterAuthorizedOperations(data.includeClusterAuthorizedOperations()
                            ? Utils.to32BitField(CLUSTER_OPERATIONS) : Integer.MIN_VALUE);
            if (version >= 1) {
                response.setEndpointType(BROKERS_ENDPOINT);
            }
            for (BrokerInfo b : ListenerEndpoints.as(config, brokers, context.listenerName)) {
                response.brokers().add(new DescribeClusterBroker().setBrokerId(b.id()).setHost(b.host())
                        .setPort(b.port()).setRack(null));
            }
            return response;
        });
    }
}
