package io.elasticstream.broker.metrics;

import io.elasticstream.broker.net.RequestHandler;
import io.elasticstream.broker.topic.TopicService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.DescribeConfigsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FindCoordinatorResponse;
import org.apache.kafka.common.requests.HeartbeatResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.apache.kafka.common.requests.LeaveGroupResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestContext;
import org.apache.kafka.common.requests.SyncGroupResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one instrumentation point of the Kafka APIs: wraps the dispatcher and, per request, updates the
 * API's timer (rate and latency until the response is ready), counts the error codes of the response
 * (per partition where it has them, or the error a failed request is answered with), and the record
 * bytes produced and fetched per topic (produced bytes only for partitions that were appended).
 */
public final class InstrumentedHandler implements RequestHandler {
    private static final Logger LOG = LoggerFactory.getLogger(InstrumentedHandler.class);
    private final RequestHandler apis;
    private final BrokerMetrics metrics;
    private final TopicService topics;

    public InstrumentedHandler(RequestHandler apis, BrokerMetrics metrics, TopicService topics) {
        this.apis = apis;
        this.metrics = metrics;
        this.topics = topics;
    }

    @Override
    public void connectionClosed(String connectionId) {
        apis.connectionClosed(connectionId);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context, AbstractRequest request) {
        ApiKeys api = context.header.apiKey();
        long startNs = metrics.clock().nanoTime();
        // Sizes are taken before the handler runs: it may hand the produced buffers on.
        List<ProducedBytes> produced = api == ApiKeys.PRODUCE ? producedBytes((ProduceRequest) request) : List.of();
        CompletableFuture<ApiMessage> response;
        try {
            response = apis.handle(context, request);
        } catch (RuntimeException e) {
            onDone(api, context.apiVersion(), request, produced, startNs, null, e);
            throw e;
        }
        return response.whenComplete((body, err) -> onDone(api, context.apiVersion(), request, produced, startNs,
                body, err));
    }

    private void onDone(ApiKeys api, short version, AbstractRequest request, List<ProducedBytes> produced,
                        long startNs, ApiMessage body, Throwable err) {
        long elapsedNs = metrics.clock().nanoTime() - startNs;
        metrics.requests(api).update(elapsedNs, TimeUnit.NANOSECONDS);
        if (err != null) {
            Throwable cause = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
            metrics.onError(api, Errors.forException(cause), 1);
            return;
        }
        if (body == null) {
            if (api == ApiKeys.PRODUCE) { // acks=0: no response; the bytes were accepted
                produced.forEach(p -> metrics.onBytesIn(p.topic(topics), p.bytes));
            }
            return;
        }
        try {
            errorCounts(api, body, version).forEach((error, count) -> {
                if (error != Errors.NONE) {
                    metrics.onError(api, error, count);
                }
            });
            if (api == ApiKeys.PRODUCE) {
                onProduced((ProduceResponseData) body, produced, elapsedNs);
            } else if (api == ApiKeys.FETCH) {
                onFetched((FetchRequest) request, (FetchResponseData) body, version, elapsedNs);
            }
        } catch (RuntimeException e) {
            // A response shape this code does not know: metrics must never fail a request.
            LOG.debug("Cannot take metrics from a {} v{} response", api, version, e);
        }
    }

    private void onProduced(ProduceResponseData response, List<ProducedBytes> produced, long elapsedNs) {
        metrics.produceConfirm().update(elapsedNs, TimeUnit.NANOSECONDS);
        Map<String, Short> errors = new HashMap<>();
        for (ProduceResponseData.TopicProduceResponse t : response.responses()) {
            for (ProduceResponseData.PartitionProduceResponse p : t.partitionResponses()) {
                errors.put(key(t.name(), t.topicId(), p.index()), p.errorCode());
            }
        }
        for (ProducedBytes p : produced) {
            Short error = errors.get(key(p.name, p.topicId, p.partition));
            if (error != null && error == Errors.NONE.code()) {
                metrics.onBytesIn(p.topic(topics), p.bytes);
            }
        }
    }

    private void onFetched(FetchRequest request, FetchResponseData response, short version, long elapsedNs) {
        long total = 0;
        for (FetchResponseData.FetchableTopicResponse t : response.responses()) {
            long bytes = 0;
            for (FetchResponseData.PartitionData p : t.partitions()) {
                if (p.records() != null) {
                    bytes += p.records().sizeInBytes();
                }
            }
            if (bytes > 0) {
                String name = version >= 13 ? topics.cachedName(t.topicId()) : t.topic();
                metrics.onBytesOut(name != null ? name : t.topicId().toString(), bytes);
            }
            total += bytes;
        }
        if (request.maxWait() > 0 && request.minBytes() > 0) {
            metrics.fetchLongPoll().update(elapsedNs, TimeUnit.NANOSECONDS);
            if (total < request.minBytes() && response.errorCode() == Errors.NONE.code()) {
                metrics.onFetchLongPollExpired();
            }
        }
    }

    private static List<ProducedBytes> producedBytes(ProduceRequest request) {
        List<ProducedBytes> out = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData t : request.data().topicData()) {
            for (ProduceRequestData.PartitionProduceData p : t.partitionData()) {
                BaseRecords records = p.records();
                out.add(new ProducedBytes(t.name(), t.topicId(), p.index(), records == null ? 0 : records.sizeInBytes()));
            }
        }
        return out;
    }

    private static String key(String name, Uuid topicId, int partition) {
        return (name == null || name.isEmpty() ? topicId.toString() : name) + "-" + partition;
    }

    /** The error codes of a response, as Kafka's own response classes count them; empty for other APIs. */
    static Map<Errors, Integer> errorCounts(ApiKeys api, ApiMessage body, short version) {
        return switch (api) {
            case PRODUCE -> new ProduceResponse((ProduceResponseData) body).errorCounts();
            case FETCH -> fetchErrorCounts((FetchResponseData) body);
            case METADATA -> new MetadataResponse((MetadataResponseData) body, version).errorCounts();
            case LIST_OFFSETS -> new ListOffsetsResponse((ListOffsetsResponseData) body).errorCounts();
            case FIND_COORDINATOR -> new FindCoordinatorResponse((FindCoordinatorResponseData) body).errorCounts();
            case JOIN_GROUP -> new JoinGroupResponse((JoinGroupResponseData) body, version).errorCounts();
            case SYNC_GROUP -> new SyncGroupResponse((SyncGroupResponseData) body).errorCounts();
            case HEARTBEAT -> new HeartbeatResponse((HeartbeatResponseData) body).errorCounts();
            case LEAVE_GROUP -> new LeaveGroupResponse((LeaveGroupResponseData) body).errorCounts();
            case OFFSET_COMMIT -> new OffsetCommitResponse((OffsetCommitResponseData) body).errorCounts();
            case OFFSET_FETCH -> new OffsetFetchResponse((OffsetFetchResponseData) body, version).errorCounts();
            case CREATE_TOPICS -> new CreateTopicsResponse((CreateTopicsResponseData) body).errorCounts();
            case DELETE_TOPICS -> new DeleteTopicsResponse((DeleteTopicsResponseData) body).errorCounts();
            case INIT_PRODUCER_ID -> new InitProducerIdResponse((InitProducerIdResponseData) body).errorCounts();
            case DESCRIBE_CONFIGS -> new DescribeConfigsResponse((DescribeConfigsResponseData) body).errorCounts();
            default -> Map.of();
        };
    }

    private static Map<Errors, Integer> fetchErrorCounts(FetchResponseData body) {
        Map<Errors, Integer> counts = new HashMap<>();
        counts.merge(Errors.forCode(body.errorCode()), 1, Integer::sum);
        for (FetchResponseData.FetchableTopicResponse t : body.responses()) {
            for (FetchResponseData.PartitionData p : t.partitions()) {
                counts.merge(Errors.forCode(p.errorCode()), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Record bytes of one produced partition, by topic name (v0-12) or id (v13+). */
    private record ProducedBytes(String name, Uuid topicId, int partition, long bytes) {
        String topic(TopicService topics) {
            if (name != null && !name.isEmpty()) {
                return name;
            }
            String cached = topics.cachedName(topicId);
            return cached != null ? cached : topicId.toString();
        }
    }
}
