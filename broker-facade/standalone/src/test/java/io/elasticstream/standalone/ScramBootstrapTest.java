package io.elasticstream.standalone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.elasticstream.placement.api.ScramCredential;
import java.util.HexFormat;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;
import org.apache.kafka.common.security.scram.internals.ScramMechanism;
import org.junit.jupiter.api.Test;

class ScramBootstrapTest {
    @Test
    void aKafkaStorageStyleSpecGivesTheKeysOfItsPasswordAndNeverThePassword() throws Exception {
        ScramCredential c = ScramBootstrap.parse("SCRAM-SHA-512=[name=admin,password=\"admin-secret\",iterations=8192,"
                + "salt=00112233445566778899]");
        assertEquals("admin", c.user());
        assertEquals("SCRAM-SHA-512", c.mechanism());
        assertEquals(8192, c.iterations());
        assertArrayEquals(HexFormat.of().parseHex("00112233445566778899"), c.salt());
        ScramFormatter f = new ScramFormatter(ScramMechanism.SCRAM_SHA_512);
        byte[] salted = f.saltedPassword("admin-secret", c.salt(), 8192);
        assertArrayEquals(f.storedKey(f.clientKey(salted)), c.storedKey(), "the password verifies");
        assertArrayEquals(f.serverKey(salted), c.serverKey());
    }

    @Test
    void defaultsAreARandomSaltAnd4096Iterations() {
        ScramCredential a = ScramBootstrap.parse("SCRAM-SHA-256=[name=admin,password=admin-secret]");
        ScramCredential b = ScramBootstrap.parse("SCRAM-SHA-256=[name=admin,password=admin-secret]");
        assertEquals(4096, a.iterations());
        assertThrows(AssertionError.class, () -> assertArrayEquals(a.salt(), b.salt()), "salts are random");
    }

    @Test
    void malformedSpecsAreRefusedWithTheExpectedSyntax() {
        assertThrows(IllegalArgumentException.class, () -> ScramBootstrap.parse("SCRAM-SHA-256=name=admin"));
        assertThrows(IllegalArgumentException.class, () -> ScramBootstrap.parse("SCRAM-MD5=[name=a,password=b]"));
        assertThrows(IllegalArgumentException.class, () -> ScramBootstrap.parse("SCRAM-SHA-256=[password=b]"));
        assertThrows(IllegalArgumentException.class,
                () -> ScramBootstrap.parse("SCRAM-SHA-256=[name=a,password=b,iterations=100]"));
    }
}
