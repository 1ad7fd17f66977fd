/**
 * The lowest layer, shared by every module: an injectable {@link io.elasticstream.common.Clock} and
 * always-on invariant checks ({@link io.elasticstream.common.Checks}).
 *
 * <p>Depends on nothing but the JDK. Everything here is thread-safe. The module sits under
 * {@code range-store/} only because the repository's top level is fixed; it belongs to no component.
 */
package io.elasticstream.common;
