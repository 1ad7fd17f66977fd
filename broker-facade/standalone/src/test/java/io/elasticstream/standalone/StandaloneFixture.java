package io.elasticstream.standalone;

import io.elasticstream.broker.Broker;
import io.elasticstream.common.Clock;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/** Runs standalone mode in this JVM on a free port, with its data in {@code dataDir}. */
final class StandaloneFixture implements AutoCloseable {
    private final StandaloneMain main = new StandaloneMain();

    StandaloneFixture(Path dataDir, String... overrides) throws Exception {
        this(dataDir, Clock.SYSTEM, overrides);
    }

    /** With {@code brokerClock} as the broker's clock. */
    StandaloneFixture(Path dataDir, Clock brokerClock, String... overrides) throws Exception {
        String[] args = new String[4 + overrides.length * 2];
        args[0] = "--data-dir";
        args[1] = dataDir.toString();
        args[2] = "--port";
        args[3] = "0";
        for (int i = 0; i < overrides.length; i++) {
            args[4 + 2 * i] = "--override";
            args[5 + 2 * i] = overrides[i];
        }
        main.start(LaunchOptions.parse(args), brokerClock);
    }

    /** One more broker on this standalone's PD and range server; see {@link StandaloneMain#startAnotherBroker}. */
    Broker startAnotherBroker(Map<String, String> overrides) throws Exception {
        return main.startAnotherBroker(overrides);
    }

    /** The standalone's own broker. */
    Broker broker() {
        return main.broker();
    }

    InetSocketAddress kafkaAddress() {
        return main.kafkaAddress();
    }

    /** The port of /metrics and the status page (pass {@code metrics.port=0} to get a free one), or -1. */
    int metricsPort() {
        return main.metricsPort();
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaAddress().getPort();
    }

    @Override
    public void close() {
        main.close();
    }
}
