package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.Suite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RecoveryBlob")
class RecoveryBlobTest {
    private static final IdentityKeys RECOVERY = IdentityKeys.generate();
    private static final IdentityKeys OTHER = IdentityKeys.generate();
    private static final RecoveryCode CODE = RecoveryCodeTest.code(1);
    private static final byte[] BLOB = RecoveryBlob.seal(RECOVERY, CODE);

    /** {@code pub || u32 len || box}, split. */
    private static byte[][] split(byte[] blob) {
        Decoder d = new Decoder(blob, "recovery blob");
        byte[] pub = d.raw(PublicIdentity.ENCODED_LENGTH);
        byte[] box = d.bytes32(1 << 20);
        d.end();
        return new byte[][] {pub, box};
    }

    @Test
    @DisplayName("opens with the code typed back, giving keys that sign and decapsulate as the recovery identity")
    void roundTrip() {
        IdentityKeys keys = RecoveryBlob.open(BLOB, RecoveryCode.parse(CODE.display().toLowerCase()),
                RECOVERY.publicIdentity());
        assertThat(keys.publicIdentity()).isEqualTo(RECOVERY.publicIdentity());
        byte[] msg = TestBytes.random(1, 50);
        RECOVERY.publicIdentity().signing().verify(SignatureDomain.CHAIN_ENTRY, Suite.CURRENT, msg,
                keys.sign(SignatureDomain.CHAIN_ENTRY, msg).bytes());
        KemKeyPair.Encapsulation e = KemKeyPair.encapsulate(RECOVERY.publicIdentity().kem());
        assertThat(keys.kem().decapsulate(e.ciphertext())).isEqualTo(e.sharedSecret());
    }

    @Test
    @DisplayName("a wrong (but well-formed) code fails authentication")
    void wrongCode() {
        assertThatThrownBy(() -> RecoveryBlob.open(BLOB, RecoveryCodeTest.code(2), RECOVERY.publicIdentity()))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    @DisplayName("a blob for other keys than the genesis names is refused before the code is tried")
    void otherKeys() {
        byte[] other = RecoveryBlob.seal(OTHER, CODE);
        assertThatThrownBy(() -> RecoveryBlob.open(other, CODE, RECOVERY.publicIdentity()))
                .isInstanceOf(IntegrityException.class).hasMessageContaining("other keys");
    }

    @Test
    @DisplayName("another identity's sealed keys relabelled with the expected public identity fail authentication")
    void relabelled() {
        byte[] otherBox = split(RecoveryBlob.seal(OTHER, CODE))[1];
        byte[] forged = RECOVERY.publicIdentity().writeTo(new Encoder()).bytes32(otherBox).toBytes();
        assertThatThrownBy(() -> RecoveryBlob.open(forged, CODE, RECOVERY.publicIdentity()))
                .isInstanceOf(AuthenticationFailedException.class);
    }

    @Test
    @DisplayName("tamper battery: every corruption is a security failure")
    void battery() {
        TamperBattery.of(BLOB, b -> RecoveryBlob.open(b, CODE, RECOVERY.publicIdentity())).exhaustiveUpTo(256)
                .flipEveryNthByte(2).assertAllRejected(SecurityFailureException.class);
    }

    @Test
    @DisplayName("tamper battery over the box alone: every corruption fails authentication")
    void boxBattery() {
        byte[][] parts = split(BLOB);
        TamperBattery.of(parts[1], box -> RecoveryBlob.open(new Encoder().raw(parts[0]).bytes32(box).toBytes(), CODE,
                        RECOVERY.publicIdentity())).exhaustiveUpTo(256).flipEveryNthByte(2)
                .assertAllRejected(AuthenticationFailedException.class);
    }
}
