package io.elasticstream.broker.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;

/**
 * One topic config as Kafka defines it.
 *
 * @param name           the topic-level name ({@code retention.ms})
 * @param type           its type
 * @param defaultValue   Kafka's default, as DescribeConfigs reports it (lists comma-separated)
 * @param validator      Kafka's validator, or null when any value of the type is valid
 * @param brokerSynonyms broker-level configs that set the default, most specific first
 *                       ({@code log.retention.ms, log.retention.minutes, log.retention.hours})
 * @param documentation  Kafka's documentation of the config
 */
public record ConfigDefinition(String name, ConfigDef.Type type, String defaultValue, ConfigDef.Validator validator,
                               List<String> brokerSynonyms, String documentation) {
    public ConfigDefinition {
        brokerSynonyms = List.copyOf(brokerSynonyms);
    }
}
