/**
 * The binary form of every placement metadata value PD writes to the metadata store: one
 * {@link io.elasticstream.placement.server.codec.RecordCodec} per record kind, gathered in
 * {@link io.elasticstream.placement.server.codec.Codecs}, plus the stored records that have no
 * counterpart in the public API ({@link io.elasticstream.placement.server.codec.TopicRecord},
 * {@link io.elasticstream.placement.server.codec.StreamRecord},
 * {@link io.elasticstream.placement.server.codec.RangeRecord},
 * {@link io.elasticstream.placement.server.codec.GroupConfigsRecord}).
 *
 * <p>Every value starts with a one-byte format version; a reader rejects versions it does not know and
 * bytes it did not consume with {@link io.elasticstream.placement.server.codec.CorruptRecordException},
 * so a format change is always a new version, never a silent reinterpretation.
 *
 * <p>Stateless and thread-safe. Depends on {@code io.elasticstream.placement.api} and the JDK only.
 */
package io.elasticstream.placement.server.codec;
