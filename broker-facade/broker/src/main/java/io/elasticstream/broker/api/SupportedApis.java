package io.elasticstream.broker.api;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersionCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.FinalizedFeatureKeyCollection;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKey;
import org.apache.kafka.common.message.ApiVersionsResponseData.SupportedFeatureKeyCollection;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The APIs this broker implements and the version range of each: Kafka 4.4's stable ranges, except
 * Produce, advertised from v0 as Kafka 4.x does (old librdkafka refuses compression otherwise) while
 * v0–2 requests are refused at parse time.
 */
final class SupportedApis {
    static final String TRANSACTION_VERSION = "transaction.version";
    /** KIP-848: level 1 is the consumer group protocol, finalized as in a Kafka 4.4 cluster. */
    static final String GROUP_VERSION = "group.version";
    private static final short GROUP_VERSION_LEVEL = 1;
    /** KIP-932: share groups, finalized at level 2 as in a Kafka 4.4 cluster (share groups on, renew acknowledgements). */
    static final String SHARE_VERSION = "share.version";
    private static final short SHARE_VERSION_LEVEL = 2;
    /** The features never change while a broker runs; any epoch at or above 0 tells clients they are set. */
    private static final long FINALIZED_FEATURES_EPOCH = 1;
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

    /**
     * The answer to ApiVersions: the API ranges, and (v3+) the features: {@code transaction.version}
     * supported 0–2 and finalized at {@code transactionVersion}, as a Kafka 4.4 cluster reports it (clients
     * use transactions v2 when it is 2), {@code group.version} 1 (the KIP-848 consumer protocol) and {@code share.version} 2 (KIP-932 share groups).
     */
    ApiVersionsResponseData response(short errorCode, short transactionVersion) {
        SupportedFeatureKeyCollection supportedFeatures = new SupportedFeatureKeyCollection();
        supportedFeatures.add(new SupportedFeatureKey().setName(TRANSACTION_VERSION).setMinVersion((short) 0)
                .setMaxVersion((short) 2));
        supportedFeatures.add(new SupportedFeatureKey().setName(GROUP_VERSION).setMinVersion((short) 0)
                .setMaxVersion(GROUP_VERSION_LEVEL));
        supportedFeatures.add(new SupportedFeatureKey().setName(SHARE_VERSION).setMinVersion((short) 0)
                .setMaxVersion(SHARE_VERSION_LEVEL));
        FinalizedFeatureKeyCollection finalizedFeatures = new FinalizedFeatureKeyCollection();
        finalizedFeatures.add(new FinalizedFeatureKey().setName(GROUP_VERSION).setMinVersionLevel(GROUP_VERSION_LEVEL)
                .setMaxVersionLevel(GROUP_VERSION_LEVEL));
        finalizedFeatures.add(new FinalizedFeatureKey().setName(SHARE_VERSION).setMinVersionLevel(SHARE_VERSION_LEVEL)
                .setMaxVersionLevel(SHARE_VERSION_LEVEL));
        if (transactionVersion > 0) {
            finalizedFeatures.add(new FinalizedFeatureKey().setName(TRANSACTION_VERSION)
                    .setMinVersionLevel(transactionVersion).setMaxVersionLevel(transactionVersion));
        }
        return new ApiVersionsResponseData().setErrorCode(errorCode).setApiKeys(asCollection()).setThrottleTimeMs(0)
                .setSupportedFeatures(supportedFeatures).setFinalizedFeatures(finalizedFeatures)
                .setFinalizedFeaturesEpoch(FINALIZED_FEATURES_EPOCH);
    }
}
