/**
 * Standalone mode: the placement driver on the embedded metadata store, one range server and one
 * broker in one JVM, data under one directory. {@link io.elasticstream.standalone.StandaloneMain} is what
 * {@code bin/quickstart} runs. The broker still reaches the range server over loopback TCP, so the code
 * path is the cluster's.
 *
 * <p>Data directory layout: {@code meta.properties} (cluster id, node id), {@code metadata/} (embedded
 * metadata store), {@code wal/} (the range server's write-ahead log).
 */
package io.elasticstream.standalone;
