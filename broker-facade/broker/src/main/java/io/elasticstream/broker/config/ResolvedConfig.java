package io.elasticstream.broker.config;

import java.util.List;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * A config's effective value and where it comes from, as DescribeConfigs reports it.
 *
 * @param synonyms every source that sets it, highest precedence first (the first is {@code source})
 */
public record ResolvedConfig(String name, String value, ConfigSource source, boolean readOnly, boolean sensitive,
                             ConfigType type, String documentation, List<Synonym> synonyms) {
    public ResolvedConfig {
        synonyms = List.copyOf(synonyms);
    }

    /** One level that sets a config, under the name it has at that level. */
    public record Synonym(String name, String value, ConfigSource source) {
    }
}
