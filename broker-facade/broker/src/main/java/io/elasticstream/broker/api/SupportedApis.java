package io.elasticstream.broker.api;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this broker implements and the version range of each: Kafka 4.4's stable ranges, except
 * Produce, advertised from v0 as Kafka 4.x does (old librdkafka refuses compression otherwise) while
 * v0–2 requests are refused at parse time.
 */
final class SupportedApis {
    private final Map<ApiKeys, short[]> ranges = new EnumMap<>(ApiKeys.class);

    SupportedApis(Iterable<ApiKeys> implemented) {
        for (ApiKeys key : implemented) {
            short min = key == ApiKeys.PRODUCE ? 0 : key.oldestVersion();
            ranges.put(key, new short[] {min, key.latestVersion(false)});
        }
    }

    boolean supports(ApiKeys key, short version) {
        short[] r = ranges.get(key);
        return r != null && version >= r[0] && version <= r[1];
    }

    ApiVersionCollection asCollection() {
        ApiVersionCollection collection = new ApiVersionCollection();
        ranges.forEach((key, r) -> collection.add(new ApiVersion().setApiKey(key.id).setMinVersion(r[0])
                .setMaxVersion(r[1])));
        return collection;
    }

    ApiVersionsResponseData response(short errorCode) {
        return new ApiVersionsResponseData().setErrorCode(errorCode).setApiKeys(asCollection()).setThrottleTimeMs(0);
    }
}
