package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.KemPublicKey;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.PublicIdentity;
import dev.strongroom.format.SecurityFailureException;
import dev.strongroom.format.SignatureDomain;
import dev.strongroom.format.SignatureInvalidException;
import dev.strongroom.format.SigningPublicKey;
import dev.strongroom.format.Suite;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Envelope")
class EnvelopeTest {
    private static final IdentityKeys SENDER = IdentityKeys.generate();
    private static final IdentityKeys RECIPIENT = IdentityKeys.generate();
    private static final IdentityKeys OTHER = IdentityKeys.generate();
    private static final AccountId ACCOUNT = new AccountId(TestBytes.random(1, AccountId.LENGTH));
    private static final AccountId OTHER_ACCOUNT = new AccountId(TestBytes.random(2, AccountId.LENGTH));

    /** The fields of an envelope, so tests can re-assemble (and, as a malicious sender, re-sign) one. */
    record Parts(AccountId account, long epoch, DeviceId sender, DeviceId recipient, byte[] wrap, byte[] signature) {
        static Parts of(byte[] envelope) {
            Decoder outer = new Decoder(envelope, "envelope");
            byte[] body = outer.bytes32(1 << 20);
            byte[] sig = outer.raw(SigningPublicKey.SIGNATURE_LENGTH);
            outer.end();
            Decoder d = new Decoder(body, "envelope");
            d.expectLabel("strongroom/envelope", 1);
            assertThat(d.u8()).isEqualTo(Suite.CURRENT.id());
            Parts p = new Parts(new AccountId(d.raw(32)), d.u32(), new DeviceId(d.raw(32)), new DeviceId(d.raw(32)),
                    d.bytes32(1 << 20), sig);
            d.end();
            return p;
        }

        byte[] body() {
            return Encoder.labelled("strongroom/envelope", 1).u8(Suite.CURRENT.id()).id(account).u32(epoch)
                    .id(sender).id(recipient).bytes32(wrap).toBytes();
        }

        byte[] encode() {
            return new Encoder().bytes32(body()).raw(signature).toBytes();
        }

        /** Re-signed by {@code signer} in {@code domain}: what a sender (not the server) could produce. */
        byte[] signedBy(IdentityKeys signer, SignatureDomain domain) {
            byte[] body = body();
            return signer.sign(domain, body).writeTo(new Encoder().bytes32(body)).toBytes();
        }

        Parts with(AccountId a, long e, DeviceId s, DeviceId r) {
            return new Parts(a, e, s, r, wrap, signature);
        }
    }

    private static AccountRootKey ark(long epoch) {
        return AccountRootKey.generate(epoch);
    }

    private static AccountRootKey open(byte[] env, AccountRootKey ark) {
        return Envelope.open(env, ACCOUNT, ark.epoch(), SENDER.publicIdentity(), RECIPIENT, ark.commitment());
    }

    @Nested
    @DisplayName("seal and open")
    class SealOpen {
        @Test
        @DisplayName("the recipient recovers the root key of the epoch; the commitment matches")
        void roundTrip() {
            AccountRootKey ark = ark(3);
            byte[] env = Envelope.seal(ACCOUNT, ark, SENDER, RECIPIENT.publicIdentity());
            AccountRootKey got = open(env, ark);
            assertThat(got.epoch()).isEqualTo(3);
            assertThat(got.exportForWrap()).isEqualTo(ark.exportForWrap());
            assertThat(got.commitment()).isEqualTo(ark.commitment());
            assertThat(Envelope.seal(ACCOUNT, ark, SENDER, RECIPIENT.publicIdentity())).isNotEqualTo(env);
        }

        @Test
        @DisplayName("a device may send to itself")
        void toSelf() {
            AccountRootKey ark = ark(1);
            byte[] env = Envelope.seal(ACCOUNT, ark, SENDER, SENDER.publicIdentity());
            assertThat(Envelope.open(env, ACCOUNT, 1, SENDER.publicIdentity(), SENDER, ark.commitment())
                    .exportForWrap()).isEqualTo(ark.exportForWrap());
        }

        @Test
        @DisplayName("peek reads account, epoch, sender and recipient without opening")
        void peek() {
            byte[] env = Envelope.seal(ACCOUNT, ark(7), SENDER, RECIPIENT.publicIdentity());
            Envelope.Header h = Envelope.peek(env);
            assertThat(h).isEqualTo(new Envelope.Header(ACCOUNT, 7, SENDER.id(), RECIPIENT.id()));
        }

        @Test
        @DisplayName("peek refuses what is not an envelope")
        void peekMalformed() {
            byte[] env = Envelope.seal(ACCOUNT, ark(7), SENDER, RECIPIENT.publicIdentity());
            assertThatThrownBy(() -> Envelope.peek(new byte[10])).isInstanceOf(MalformedDataException.class);
            assertThatThrownBy(() -> Envelope.peek(TestBytes.flipByte(env, 5))).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("the test's re-assembly of an envelope is faithful (so the forgeries below test what they claim)")
        void partsFaithful() {
            AccountRootKey ark = ark(2);
            byte[] env = Envelope.seal(ACCOUNT, ark, SENDER, RECIPIENT.publicIdentity());
            Parts p = Parts.of(env);
            assertThat(p.encode()).isEqualTo(env);
            assertThat(open(p.signedBy(SENDER, SignatureDomain.ENVELOPE), ark).exportForWrap())
                    .isEqualTo(ark.exportForWrap());
        }
    }

    @Nested
    @DisplayName("rejected when")
    class Rejected {
        private final AccountRootKey ark = ark(5);
        private final byte[] env = Envelope.seal(ACCOUNT, ark, SENDER, RECIPIENT.publicIdentity());

        @Test
        @DisplayName("moved to another recipient")
        void otherRecipient() {
            assertThatThrownBy(() -> Envelope.open(env, ACCOUNT, 5, SENDER.publicIdentity(), OTHER, ark.commitment()))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("recipient");
        }

        @Test
        @DisplayName("presented for another epoch")
        void otherEpoch() {
            assertThatThrownBy(() -> Envelope.open(env, ACCOUNT, 6, SENDER.publicIdentity(), RECIPIENT, ark.commitment()))
                    .isInstanceOf(IntegrityException.class);
        }

        @Test
        @DisplayName("presented for another account")
        void otherAccount() {
            assertThatThrownBy(() -> Envelope.open(env, OTHER_ACCOUNT, 5, SENDER.publicIdentity(), RECIPIENT,
                    ark.commitment())).isInstanceOf(IntegrityException.class);
        }

        @Test
        @DisplayName("the caller expects another sender: the signature does not verify")
        void otherSender() {
            assertThatThrownBy(() -> Envelope.open(env, ACCOUNT, 5, OTHER.publicIdentity(), RECIPIENT, ark.commitment()))
                    .isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("the Ed25519 half or the ML-DSA-65 half of the signature is flipped (both must verify)")
        void signatureFlipped() {
            Parts p = Parts.of(env);
            for (int pos : new int[] {0, 63, 64, 1000, SigningPublicKey.SIGNATURE_LENGTH - 1}) {
                byte[] bad = new Parts(p.account(), p.epoch(), p.sender(), p.recipient(), p.wrap(),
                        TestBytes.flipByte(p.signature(), pos)).encode();
                assertThatThrownBy(() -> open(bad, ark)).as("signature byte %d", pos)
                        .isInstanceOf(SignatureInvalidException.class);
            }
        }

        @Test
        @DisplayName("the signature halves come from two different valid signatures")
        void mixedHalves() {
            Parts p = Parts.of(env);
            Parts q = Parts.of(Envelope.seal(ACCOUNT, ark, SENDER, RECIPIENT.publicIdentity()));
            byte[] sig = TestBytes.concat(TestBytes.slice(p.signature(), 0, 64),
                    TestBytes.slice(q.signature(), 64, q.signature().length));
            byte[] bad = new Parts(p.account(), p.epoch(), p.sender(), p.recipient(), p.wrap(), sig).encode();
            assertThatThrownBy(() -> open(bad, ark)).isInstanceOf(SignatureInvalidException.class);
        }

        @ParameterizedTest
        @EnumSource(value = SignatureDomain.class, mode = EnumSource.Mode.EXCLUDE, names = "ENVELOPE")
        @DisplayName("the sender signed the body in another signature domain")
        void otherDomain(SignatureDomain domain) {
            byte[] bad = Parts.of(env).signedBy(SENDER, domain);
            assertThatThrownBy(() -> open(bad, ark)).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("tamper battery: every corruption of the envelope is a security failure")
        void battery() {
            // each attempt verifies two signatures: flip every third byte past the first and last 64
            int tried = TamperBattery.of(env, e -> open(e, ark)).exhaustiveUpTo(256).flipEveryNthByte(3)
                    .assertAllRejected(SecurityFailureException.class);
            assertThat(tried).isGreaterThan(env.length / 3);
        }

        @Test
        @DisplayName("the commitment passed is for another root key")
        void otherCommitment() {
            Digest other = ark(5).commitment();
            assertThatThrownBy(() -> Envelope.open(env, ACCOUNT, 5, SENDER.publicIdentity(), RECIPIENT, other))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("does not match the commitment");
        }

        @Test
        @DisplayName("the envelope wraps a different root key than the chain commits to")
        void otherRootKey() {
            byte[] forged = Envelope.seal(ACCOUNT, ark(5), SENDER, RECIPIENT.publicIdentity());
            assertThatThrownBy(() -> open(forged, ark))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("does not match the commitment");
        }
    }

    @Nested
    @DisplayName("the wrap inside is bound too (a sender re-signing a moved wrap)")
    class WrapBinding {
        private final AccountRootKey ark = ark(5);
        private final Parts p = Parts.of(Envelope.seal(ACCOUNT, ark, SENDER, RECIPIENT.publicIdentity()));

        @Test
        @DisplayName("header names another recipient, wrap is for the original one")
        void recipient() {
            byte[] bad = p.with(p.account(), 5, p.sender(), OTHER.id()).signedBy(SENDER, SignatureDomain.ENVELOPE);
            assertThatThrownBy(() -> Envelope.open(bad, ACCOUNT, 5, SENDER.publicIdentity(), OTHER, ark.commitment()))
                    .isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("header names another epoch or account")
        void epochAndAccount() {
            byte[] e6 = p.with(ACCOUNT, 6, p.sender(), p.recipient()).signedBy(SENDER, SignatureDomain.ENVELOPE);
            assertThatThrownBy(() -> Envelope.open(e6, ACCOUNT, 6, SENDER.publicIdentity(), RECIPIENT, ark.commitment()))
                    .isInstanceOf(AuthenticationFailedException.class);
            byte[] a2 = p.with(OTHER_ACCOUNT, 5, p.sender(), p.recipient()).signedBy(SENDER, SignatureDomain.ENVELOPE);
            assertThatThrownBy(() -> Envelope.open(a2, OTHER_ACCOUNT, 5, SENDER.publicIdentity(), RECIPIENT,
                    ark.commitment())).isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("another device re-signs the wrap as its own")
        void sender() {
            byte[] bad = p.with(ACCOUNT, 5, OTHER.id(), p.recipient()).signedBy(OTHER, SignatureDomain.ENVELOPE);
            assertThatThrownBy(() -> Envelope.open(bad, ACCOUNT, 5, OTHER.publicIdentity(), RECIPIENT, ark.commitment()))
                    .isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Test
    @DisplayName("sealing to a recipient whose KEM key has a low-order X25519 point is refused")
    void lowOrderRecipient() {
        PublicIdentity r = RECIPIENT.publicIdentity();
        KemPublicKey bad = KemPublicKey.decode(TestBytes.replace(r.kem().encoded(), 1184, new byte[32]));
        assertThatThrownBy(() -> Envelope.seal(ACCOUNT, ark(1), SENDER, new PublicIdentity(r.signing(), bad)))
                .isInstanceOf(MalformedDataException.class);
    }
}
