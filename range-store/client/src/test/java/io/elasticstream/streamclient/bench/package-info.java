/**
 * Benchmarks of the stream client (run by {@code bin/bench-replication}, never by the test suite):
 * replicated appends over real TCP to several in-process range servers.
 */
package io.elasticstream.streamclient.bench;
