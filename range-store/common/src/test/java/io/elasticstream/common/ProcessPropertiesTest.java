package io.elasticstream.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProcessPropertiesTest {
    @TempDir
    Path dir;

    @Test
    void overridesWinOverTheConfigFileWhateverTheirOrder() throws Exception {
        Path config = dir.resolve("pd.properties");
        Files.writeString(config, "pd.id=pd1\npd.lease.ttl.ms=3000\nblank=\n");
        ProcessProperties props = ProcessProperties.parse(
                new String[]{"--override", "pd.id=pd2", "--config", config.toString()}, "usage");
        assertEquals("pd2", props.required("pd.id"));
        assertEquals(3000, props.longValue("pd.lease.ttl.ms", 1));
        assertEquals(7, props.intValue("blank", 7));
        assertEquals("x", props.string("missing", "x"));
    }

    @Test
    void missingRequiredKeysAndUnknownArgumentsAreRejected() throws Exception {
        ProcessProperties empty = ProcessProperties.parse(new String[0], "usage");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> empty.required("pd.id")).getMessage()
                .contains("pd.id"));
        assertThrows(IllegalArgumentException.class, () -> ProcessProperties.parse(new String[]{"--bogus"}, "usage"));
        assertThrows(IllegalArgumentException.class, () -> ProcessProperties.parse(new String[]{"--override", "novalue"}, "usage"));
        assertThrows(IllegalArgumentException.class, () -> ProcessProperties.parse(new String[]{"--config"}, "usage"));
    }
}
