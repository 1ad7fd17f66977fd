package io.elasticstream.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Data directories of the servers the tests start. */
final class TestDirs {
    private TestDirs() {
    }

    /**
     * Deletes {@code dir} and everything below it, unless {@code -Des.compat.keepData=true} asks to keep the
     * data of a run to look at.
     */
    static void deleteUnlessKept(Path dir) {
        if (Boolean.getBoolean("es.compat.keepData") || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
