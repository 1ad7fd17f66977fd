/**
 * Topic, group and broker config definitions as Apache Kafka 4.4 has them: names, types, defaults, validators,
 * documentation and broker-level synonyms ({@link io.elasticstream.broker.config.TopicConfigs},
 * {@link io.elasticstream.broker.config.GroupConfigDefinitions}), how the broker's settings default and bound
 * group configs ({@link io.elasticstream.broker.config.GroupConfigRules}), and how a config's effective value
 * and source are resolved for DescribeConfigs ({@link io.elasticstream.broker.config.ConfigResolver}).
 *
 * <p>Immutable and thread-safe. Depends only on kafka-clients' {@code ConfigDef} and
 * {@code TopicConfig} and error classes (never on Kafka's server jars).
 */
package io.elasticstream.broker.config;
