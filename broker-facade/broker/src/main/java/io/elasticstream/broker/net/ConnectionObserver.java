package io.elasticstream.broker.net;

/** Told when Kafka connections open and close (for metrics). Called on event loops: quick, never throws. */
public interface ConnectionObserver {
    ConnectionObserver NONE = new ConnectionObserver() {
        @Override
        public void onOpen() {
        }

        @Override
        public void onClose() {
        }
    };

    void onOpen();

    void onClose();
}
