package io.elasticstream.placement.metadata;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * One real etcd for a test class, started before its first test in a temp directory and stopped (the
 * directory deleted) after its last:
 * {@code @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();}. Each test connects a
 * store under a key prefix of its own ({@link #connect}), so the tests share the process, not their keys.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback {
    private static final AtomicInteger PREFIXES = new AtomicInteger();
    private Path directory;
    private EtcdProcess etcd;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        directory = Files.createTempDirectory("etcd-test");
        etcd = EtcdProcess.start(directory);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (etcd != null) {
            etcd.close();
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    public EtcdProcess process() {
        return etcd;
    }

    /** A store on this etcd under a key prefix no other connection of this JVM uses. */
    public EtcdMetadataStore connect(String prefixName) {
        return EtcdMetadataStore.connect(List.of(etcd.clientUri()),
                EtcdMetadataStore.Config.DEFAULT.withKeyPrefix("/" + prefixName + "-" + PREFIXES.incrementAndGet()));
    }
}
