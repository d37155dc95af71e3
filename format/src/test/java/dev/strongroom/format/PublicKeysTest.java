package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("KemPublicKey, PublicIdentity, ObjectType and Suite")
class PublicKeysTest {

    @Nested
    @DisplayName("KemPublicKey")
    class Kem {
        @ParameterizedTest
        @ValueSource(ints = {0, 32, 1184, 1215, 1217})
        void wrongLength(int n) {
            assertThatThrownBy(() -> KemPublicKey.decode(new byte[n])).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("must be 1216 bytes");
        }

        @Test
        @DisplayName("value semantics over copied bytes; hash over label \"strongroom/kem-key\" v1")
        void value() throws Exception {
            byte[] b = TestData.random(1, 1216);
            KemPublicKey k = KemPublicKey.decode(b);
            b[0] ^= 1;
            assertThat(k).isEqualTo(TestKeys.kem(1)).hasSameHashCodeAs(TestKeys.kem(1)).isNotEqualTo(TestKeys.kem(2));
            assertThat(k.encoded()).isEqualTo(TestData.random(1, 1216));
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(Raw.concat(Raw.of().label("strongroom/kem-key", 1).build(), k.encoded()));
            assertThat(k.hash().bytes()).isEqualTo(expected);
            assertThat(k.toString()).isEqualTo("KemPublicKey[" + k.hash().hex().substring(0, 16) + "]");
            Decoder d = new Decoder(k.writeTo(new Encoder()).toBytes(), "kem");
            assertThat(KemPublicKey.read(d)).isEqualTo(k);
            d.end();
        }
    }

    @Nested
    @DisplayName("PublicIdentity")
    class Identity {
        @Test
        @DisplayName("encodes as signing key || KEM key; its device id is the labelled hash of both")
        void encoding() throws Exception {
            PublicIdentity id = TestKeys.identity(0, 5);
            byte[] enc = id.writeTo(new Encoder()).toBytes();
            assertThat(enc).hasSize(PublicIdentity.ENCODED_LENGTH)
                    .isEqualTo(Raw.concat(id.signing().encoded(), id.kem().encoded()));
            Decoder d = new Decoder(enc, "identity");
            assertThat(PublicIdentity.read(d)).isEqualTo(id);
            d.end();
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(Raw.concat(Raw.of().label("strongroom/identity", 1).build(), enc));
            assertThat(id.deviceId().bytes()).isEqualTo(expected);
            assertThat(TestKeys.identity(0, 6).deviceId()).as("another KEM key, another device")
                    .isNotEqualTo(id.deviceId());
            assertThat(TestKeys.identity(1, 5).deviceId()).as("another signing key, another device")
                    .isNotEqualTo(id.deviceId());
        }
    }

    @Nested
    @DisplayName("ObjectType and Suite")
    class Codes {
        @Test
        void objectTypes() {
            assertThat(ObjectType.of(1)).isEqualTo(ObjectType.DATA);
            assertThat(ObjectType.of(2)).isEqualTo(ObjectType.TREE);
            for (ObjectType t : ObjectType.values()) {
                assertThat(ObjectType.of(t.code())).isEqualTo(t);
            }
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 3, 255, -1})
        void unknownObjectType(int code) {
            assertThatThrownBy(() -> ObjectType.of(code)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown object type " + code);
        }

        @Test
        @DisplayName("V1 is suite 1 and the current suite")
        void suites() {
            assertThat(Suite.V1.id()).isEqualTo(1);
            assertThat(Suite.CURRENT).isEqualTo(Suite.V1);
            assertThat(Suite.of(1)).isEqualTo(Suite.V1);
            assertThat(Suite.read(new Decoder(new byte[] {1}, "s"), Suite.V1)).isEqualTo(Suite.V1);
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 2, 255})
        @DisplayName("an unknown suite is malformed and asks for an upgrade (V1 is the lowest, so no suite-level "
                + "downgrade can be built yet; format-version downgrades are covered per structure)")
        void unknownSuite(int id) {
            assertThatThrownBy(() -> Suite.read(new Decoder(new byte[] {(byte) id}, "s"), Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("unknown cipher suite " + id)
                    .hasMessageContaining("upgrade");
        }
    }
}
