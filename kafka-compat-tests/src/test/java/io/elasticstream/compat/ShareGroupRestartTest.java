package io.elasticstream.compat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A share group's place in a partition survives the standalone server being SIGKILLed: what its members
 * acknowledged stays done, what they held comes back
 * ({@link ShareConsumerScenarios#acknowledgementsSurviveABrokerRestart}).
 */
class ShareGroupRestartTest {
    @RegisterExtension
    static final StandaloneServerExtension SERVER = new StandaloneServerExtension("share-restart",
            ShareConsumerScenarios.BROKER_OVERRIDES);

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void acknowledgementsSurviveASigkilledServer() {
        ShareConsumerScenarios.acknowledgementsSurviveABrokerRestart(SERVER.bootstrapServers(), () -> {
            SERVER.server().kill();
            SERVER.server().start();
        }, SERVER::bootstrapServers);
    }
}
