package io.elasticstream.broker.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.codahale.metrics.MetricRegistry;
import io.elasticstream.common.Clock;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class InstrumentedHandlerTest {
    @Test
    void produceErrorsAreCountedPerPartitionAsKafkaCountsThem() {
        ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse().setName("t");
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(0)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(1)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(2));
        ProduceResponseData response = new ProduceResponseData();
        response.responses().add(topic);
        Map<Errors, Integer> counts = InstrumentedHandler.errorCounts(ApiKeys.PRODUCE, response, (short) 12);
        assertEquals(2, counts.get(Errors.NOT_LEADER_OR_FOLLOWER));
        assertEquals(1, counts.get(Errors.NONE));
    }

    @Test
    void fetchErrorsCountTheTopLevelCodeAndEachPartition() {
        FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse().setTopic("t");
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(0)
                .setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code()));
        topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(1));
        FetchResponseData response = new FetchResponseData();
        response.responses().add(topic);
        Map<Errors, Integer> counts = InstrumentedHandler.errorCounts(ApiKeys.FETCH, response, (short) 12);
        assertEquals(Map.of(Errors.NONE, 2, Errors.OFFSET_OUT_OF_RANGE, 1), counts);
    }

    @Test
    void brokerMetricsRegisterTheirFixedNamesUnderBroker() {
        MetricRegistry registry = new MetricRegistry();
        BrokerMetrics metrics = new BrokerMetrics(registry, Clock.SYSTEM);
        assertEquals(Set.of("broker.connections.open", "broker.connections.accepted", "broker.bytes.in",
                "broker.bytes.out", "broker.produce.confirm.latency", "broker.fetch.longpoll.latency",
                "broker.fetch.longpoll.expired"), registry.getNames());
        metrics.onOpen();
        metrics.onOpen();
        metrics.onClose();
        assertEquals(1L, registry.getGauges().get("broker.connections.open").getValue());
        assertEquals(2, registry.meter("broker.connections.accepted").getCount());
        metrics.onBytesIn("orders.eu", 10);
        metrics.onError(ApiKeys.PRODUCE, Errors.NOT_LEADER_OR_FOLLOWER, 2);
        assertEquals(10, registry.meter("broker.topic.bytes.in.orders_eu").getCount());
        assertEquals(2, registry.counter("broker.request.errors.Produce.NOT_LEADER_OR_FOLLOWER").getCount());
        assertEquals("broker.requests.Produce", BrokerMetrics.REQUESTS + ApiKeys.PRODUCE.name);
    }
}
