package dev.strongroom.format;

import static dev.strongroom.format.ChainEntry.Role.DEVICE;
import static dev.strongroom.format.ChainEntry.Role.RECOVERY;
import static dev.strongroom.format.ChainEntry.Role.SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ChainEntry (genesis) and DeviceChain")
class ChainEntryTest {
    private static ChainEntry genesis;
    private static byte[] encoded;

    @BeforeAll
    static void build() {
        genesis = Chains.genesis();
        encoded = genesis.encode();
    }

    private static int bodyLength() {
        return 1 + "strongroom/chain-entry".length() + 2 + 1 + 8 + 32 + 8 + 1 + 1 + 3 * PublicIdentity.ENCODED_LENGTH
                + 4 + 32;
    }

    @Nested
    @DisplayName("encoding")
    class Encoding {
        @Test
        @DisplayName("layout: u32 body_len || body || u8 n || n x (u8 role || signature)")
        void layout() {
            int body = bodyLength();
            assertThat(encoded).hasSize(4 + body + 1 + 2 * (1 + SigningPublicKey.SIGNATURE_LENGTH));
            byte[] prefix = Raw.of().u32(body).label("strongroom/chain-entry", 1).u8(1).u64(0).fill(32, 0)
                    .u64(Chains.TIME).u8(1).u8(1).build();
            assertThat(Arrays.copyOf(encoded, prefix.length)).isEqualTo(prefix);
            assertThat(genesis.signedBody()).isEqualTo(Arrays.copyOfRange(encoded, 4, 4 + body));
            byte[] identities = Raw.concat(Chains.device().signing().encoded(), Chains.device().kem().encoded(),
                    Chains.sharing().signing().encoded(), Chains.sharing().kem().encoded(),
                    Chains.recovery().signing().encoded(), Chains.recovery().kem().encoded());
            assertThat(Arrays.copyOfRange(encoded, prefix.length, prefix.length + identities.length))
                    .isEqualTo(identities);
            byte[] tail = Raw.of().u32(1).bytes(Chains.ARK_COMMITMENT.bytes()).u8(2)
                    .u8(1).bytes(genesis.signature(DEVICE).bytes())
                    .u8(2).bytes(genesis.signature(RECOVERY).bytes()).build();
            assertThat(Arrays.copyOfRange(encoded, encoded.length - tail.length, encoded.length)).isEqualTo(tail);
        }

        @Test
        @DisplayName("decode(encode(e)) reproduces the entry and its bytes")
        void roundTrip() {
            ChainEntry back = ChainEntry.decode(encoded, Suite.V1);
            assertThat(back.encode()).isEqualTo(encoded);
            assertThat(back.hash()).isEqualTo(genesis.hash());
            assertThat(back.body()).isEqualTo(genesis.body());
            assertThat(back.signatures()).isEqualTo(genesis.signatures());
            assertThat(back.index()).isZero();
            assertThat(back.timeMillis()).isEqualTo(Chains.TIME);
        }

        @Test
        @DisplayName("hash is SHA-256 over label \"strongroom/chain-entry-hash\" v1 || entry")
        void hash() throws Exception {
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(Raw.concat(Raw.of().label("strongroom/chain-entry-hash", 1).build(), encoded));
            assertThat(genesis.hash().bytes()).isEqualTo(expected);
        }

        @Test
        @DisplayName("truncated at sampled positions, and with trailing bytes")
        void truncatedAndTrailing() {
            for (int i = 0; i < encoded.length; i += (i < 200 || i > encoded.length - 200) ? 1 : 97) {
                byte[] cut = Arrays.copyOf(encoded, i);
                assertThatThrownBy(() -> ChainEntry.decode(cut, Suite.V1)).as("truncated to %d", i)
                        .isInstanceOf(MalformedDataException.class);
            }
            assertThatThrownBy(() -> ChainEntry.decode(Raw.concat(encoded, new byte[1]), Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("1 trailing bytes");
        }

        @Test
        @DisplayName("more than four signatures, an unknown role, an oversized entry")
        void structuralLimits() {
            byte[] five = Raw.concat(Arrays.copyOf(encoded, 4 + bodyLength()), new byte[] {5});
            assertThatThrownBy(() -> ChainEntry.decode(five, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("too many signatures");
            byte[] role = encoded.clone();
            role[4 + bodyLength() + 1] = 9;
            assertThatThrownBy(() -> ChainEntry.decode(role, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown chain signature role 9");
            assertThatThrownBy(() -> ChainEntry.decode(new byte[ChainEntry.MAX_ENCODED + 1], Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("larger than");
            byte[] hugeBody = Raw.of().u32(0xFFFF_FFFFL).build();
            assertThatThrownBy(() -> ChainEntry.decode(hugeBody, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("exceeds " + ChainEntry.MAX_ENCODED);
        }

        @Test
        @DisplayName("an unknown entry kind asks for an upgrade")
        void unknownKind() {
            byte[] b = encoded.clone();
            int kindAt = 4 + 1 + "strongroom/chain-entry".length() + 2 + 1 + 8 + 32 + 8;
            assertThat(b[kindAt]).isEqualTo((byte) 1);
            b[kindAt] = 7;
            assertThatThrownBy(() -> ChainEntry.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown chain entry kind 7").hasMessageContaining("upgrade");
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 2})
        @DisplayName("unknown suite and unknown minimum suite")
        void unknownSuites(int suite) {
            int suiteAt = 4 + 1 + "strongroom/chain-entry".length() + 2;
            byte[] b = encoded.clone();
            b[suiteAt] = (byte) suite;
            assertThatThrownBy(() -> ChainEntry.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown cipher suite " + suite);
            byte[] m = encoded.clone();
            m[suiteAt + 1 + 8 + 32 + 8 + 1] = (byte) suite;
            assertThatThrownBy(() -> ChainEntry.decode(m, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown cipher suite " + suite);
        }

        @Test
        @DisplayName("an older body version is a DowngradeException")
        void downgrade() {
            byte[] b = encoded.clone();
            b[4 + 1 + "strongroom/chain-entry".length() + 1] = 0;
            assertThatThrownBy(() -> ChainEntry.decode(b, Suite.V1)).isInstanceOf(DowngradeException.class);
        }

        @Test
        void negativeIndex() {
            assertThatThrownBy(() -> Chains.unsigned(-1, ChainEntry.NO_PREV, Chains.body(1)))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("negative");
        }
    }

    @Nested
    @DisplayName("verifyGenesis")
    class VerifyGenesis {
        @Test
        @DisplayName("accepts the device and recovery signatures and returns the entry's hash as the account id")
        void valid() {
            AccountId id = genesis.verifyGenesis(null);
            assertThat(id.bytes()).isEqualTo(genesis.hash().bytes());
            assertThat(genesis.verifyGenesis(id)).isEqualTo(id);
            ChainEntry decoded = ChainEntry.decode(encoded, Suite.V1);
            assertThat(decoded.verifyGenesis(id)).isEqualTo(id);
        }

        @Test
        @DisplayName("the signature order does not matter, the roles do")
        void order() {
            ChainEntry reversed = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(RECOVERY, DEVICE), 1, 0);
            assertThatCode(() -> reversed.verifyGenesis(null)).doesNotThrowAnyException();
            assertThat(reversed.hash()).as("but it is a different entry, so a different account")
                    .isNotEqualTo(genesis.hash());
        }

        @Test
        @DisplayName("rejects a missing recovery signature")
        void missingRecovery() {
            ChainEntry deviceOnly = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(DEVICE), 0);
            assertThatThrownBy(() -> deviceOnly.verifyGenesis(null)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("exactly the device and recovery signatures");
            ChainEntry withSubject = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(DEVICE, SUBJECT), 0, 1);
            assertThatThrownBy(() -> withSubject.verifyGenesis(null)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("lacks the RECOVERY signature");
        }

        @Test
        @DisplayName("rejects the device's signature in the recovery slot, and swapped roles")
        void deviceSignatureAsRecovery() {
            ChainEntry twice = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(DEVICE, RECOVERY), 0, 0);
            assertThatThrownBy(() -> twice.verifyGenesis(null)).isInstanceOf(SignatureInvalidException.class)
                    .hasMessageContaining("does not verify");
            ChainEntry swapped = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(DEVICE, RECOVERY), 1, 0);
            assertThatThrownBy(() -> swapped.verifyGenesis(null)).isInstanceOf(SignatureInvalidException.class);
            ChainEntry twoDevice = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(DEVICE, DEVICE), 0, 0);
            assertThatThrownBy(() -> twoDevice.verifyGenesis(null)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("two DEVICE signatures");
        }

        @Test
        @DisplayName("rejects signatures made over another entry")
        void signaturesFromAnotherEntry() {
            ChainEntry other = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV,
                    new ChainEntry.Genesis(Suite.V1, Chains.device(), Chains.sharing(), Chains.recovery(), 1,
                            new Digest(Raw.seq(32, 0)))), List.of(DEVICE, RECOVERY), 0, 1);
            ChainEntry transplanted = new ChainEntry(Suite.V1, 0, ChainEntry.NO_PREV, Chains.TIME, genesis.body(),
                    other.signatures());
            assertThatThrownBy(() -> transplanted.verifyGenesis(null)).isInstanceOf(SignatureInvalidException.class);
        }

        @Test
        @DisplayName("rejects an account id other than expected (the server substituted the account)")
        void expectedMismatch() {
            AccountId wrong = new AccountId(Raw.flip(genesis.hash().bytes(), 31, 1));
            assertThatThrownBy(() -> genesis.verifyGenesis(wrong)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("does not hash to account id " + wrong.hex());
        }

        @Test
        @DisplayName("rejects index != 0 and a predecessor, even when properly signed")
        void indexAndPrev() {
            ChainEntry one = Chains.sign(Chains.unsigned(1, ChainEntry.NO_PREV, Chains.body(1)),
                    List.of(DEVICE, RECOVERY), 0, 1);
            assertThatThrownBy(() -> one.verifyGenesis(null)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("index 0 and no predecessor");
            ChainEntry withPrev = Chains.sign(Chains.unsigned(0, new Digest(Raw.seq(32, 1)), Chains.body(1)),
                    List.of(DEVICE, RECOVERY), 0, 1);
            assertThatThrownBy(() -> withPrev.verifyGenesis(null)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("index 0 and no predecessor");
        }

        @Test
        @DisplayName("rejects an account root key epoch other than 1")
        void arkEpoch() {
            ChainEntry e = Chains.sign(Chains.unsigned(0, ChainEntry.NO_PREV, Chains.body(2)),
                    List.of(DEVICE, RECOVERY), 0, 1);
            assertThatThrownBy(() -> e.verifyGenesis(null)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("epoch 1");
        }

        @Test
        @DisplayName("a byte flipped anywhere in the encoding is rejected (dense sample: every byte of the "
                + "fixed fields, roles and signature boundaries, plus seeded random positions)")
        void flippedAnywhere() {
            int body = bodyLength();
            TreeSet<Integer> positions = new TreeSet<>();
            int fixedEnd = 4 + 1 + "strongroom/chain-entry".length() + 2 + 1 + 8 + 32 + 8 + 1 + 1;
            for (int i = 0; i < fixedEnd + 8; i++) {
                positions.add(i); // length, label, version, suite, index, prev, time, kind, min suite, key starts
            }
            for (int k = 0; k < 3; k++) {
                int id = fixedEnd + k * PublicIdentity.ENCODED_LENGTH;
                for (int j : new int[] {0, 31, 32, 33, 1983, 1984, 1985, PublicIdentity.ENCODED_LENGTH - 1}) {
                    positions.add(id + j); // around the Ed25519/ML-DSA/KEM boundaries of each identity
                }
            }
            for (int i = 4 + body - 36; i < 4 + body + 2; i++) {
                positions.add(i); // ark epoch, ark commitment, signature count, first role
            }
            int sig2 = 4 + body + 1 + 1 + SigningPublicKey.SIGNATURE_LENGTH;
            for (int j : new int[] {1, 2, 64, 65, 3372, 3373, 3374, 3375, 3376}) {
                positions.add(4 + body + j); // first signature's halves, second role, second signature
            }
            positions.add(sig2);
            positions.add(encoded.length - 1);
            // About a quarter of all bytes by default (~1 ms each); -Dstrongroom.chainFlips=100000 tries every byte.
            int sample = Math.min(encoded.length, Integer.getInteger("strongroom.chainFlips", 4000));
            Random r = new Random(20260401);
            while (positions.size() < sample) {
                positions.add(r.nextInt(encoded.length));
            }
            List<Integer> accepted = new ArrayList<>();
            for (int i : positions) {
                byte[] f = Raw.flip(encoded, i, 1 << (i % 8));
                try {
                    DeviceChain.verify(List.of(f), null);
                    accepted.add(i);
                } catch (SecurityFailureException expected) {
                    // rejected, as it must be
                }
            }
            assertThat(accepted).as("positions whose flip was accepted").isEmpty();
        }
    }

    @Nested
    @DisplayName("known answer (vectors/chain-entry-genesis.txt)")
    class KnownAnswer {
        private final Map<String, String> v = Vectors.fields("chain-entry-genesis.txt");

        @Test
        @DisplayName("decodes, re-encodes identically, verifies and hashes to the stored account id")
        void vector() {
            byte[] entry = Vectors.hex(v, "entry");
            AccountId account = AccountId.fromHex(v.get("account-id"));
            ChainEntry e = ChainEntry.decode(entry, Suite.V1);
            assertThat(e.encode()).isEqualTo(entry);
            assertThat(e.verifyGenesis(account)).isEqualTo(account);
            assertThat(e.timeMillis()).isEqualTo(Long.parseLong(v.get("time-ms")));
            ChainEntry.Genesis g = (ChainEntry.Genesis) e.body();
            assertThat(g.arkEpoch()).isEqualTo(Long.parseLong(v.get("ark-epoch")));
            assertThat(g.arkCommitment().hex()).isEqualTo(v.get("ark-commitment"));
            assertThat(g.device().deviceId().hex()).isEqualTo(v.get("device-id"));
            assertThat(g.device().signing().encoded()).isEqualTo(Vectors.hex(v, "device-signing-key"));
            assertThat(g.recovery().signing().encoded()).isEqualTo(Vectors.hex(v, "recovery-signing-key"));
            assertThat(g.minSuite()).isEqualTo(Suite.V1);

            DeviceChain chain = DeviceChain.verify(List.of(entry), account);
            assertThat(chain.account()).isEqualTo(account);
            assertThatThrownBy(() -> DeviceChain.verify(List.of(entry), AccountId.fromHex("00".repeat(32))))
                    .isInstanceOf(IntegrityException.class);
        }

        @Test
        @DisplayName("device id is SHA-256 over label \"strongroom/identity\" v1 || signing key || KEM key")
        void deviceId() throws Exception {
            ChainEntry.Genesis g = (ChainEntry.Genesis) ChainEntry.decode(Vectors.hex(v, "entry"), Suite.V1).body();
            byte[] expected = MessageDigest.getInstance("SHA-256").digest(Raw.concat(
                    Raw.of().label("strongroom/identity", 1).build(), g.device().signing().encoded(),
                    g.device().kem().encoded()));
            assertThat(g.device().deviceId().bytes()).isEqualTo(expected);
        }
    }

    @Nested
    @DisplayName("DeviceChain.verify")
    class Chain {
        @Test
        @DisplayName("on [genesis]: the first device is trusted, epoch 1 is committed")
        void genesisOnly() {
            AccountId id = genesis.verifyGenesis(null);
            DeviceChain c = DeviceChain.verify(List.of(encoded), id);
            assertThat(c.account()).isEqualTo(id);
            assertThat(c.length()).isEqualTo(1);
            assertThat(c.head()).isEqualTo(genesis.hash());
            assertThat(c.entries()).hasSize(1);
            DeviceId device = Chains.device().deviceId();
            assertThat(c.devices()).containsOnlyKeys(device);
            assertThat(c.trustedDevice(device)).isEqualTo(Chains.device());
            assertThat(c.device(device)).contains(Chains.device());
            assertThat(c.device(Chains.recovery().deviceId())).isEmpty();
            assertThatThrownBy(() -> c.trustedDevice(Chains.recovery().deviceId()))
                    .isInstanceOf(SignatureInvalidException.class).hasMessageContaining("is not a device of account");
            assertThat(c.currentArkEpoch()).isEqualTo(1);
            assertThat(c.arkCommitment(1)).isEqualTo(Chains.ARK_COMMITMENT);
            assertThatThrownBy(() -> c.arkCommitment(2)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("no account root key epoch 2");
            assertThat(c.sharingIdentity()).isEqualTo(Chains.sharing());
            assertThat(c.recoveryIdentity()).isEqualTo(Chains.recovery());
            assertThat(c.minSuite()).isEqualTo(Suite.V1);
            assertThatThrownBy(() -> c.devices().clear()).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        @DisplayName("on []: fails")
        void empty() {
            assertThatThrownBy(() -> DeviceChain.verify(List.of(), null)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("empty");
        }

        @Test
        @DisplayName("rejects an expected account id that does not match")
        void wrongAccount() {
            assertThatThrownBy(() -> DeviceChain.verify(List.of(encoded), new AccountId(Raw.seq(32, 0))))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("does not hash to account id");
        }

        @Test
        @DisplayName("a second entry must have index 1, link to genesis, and not be a second genesis")
        void laterEntries() {
            assertThatThrownBy(() -> DeviceChain.verify(List.of(encoded, encoded), null))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("entry 1 claims index 0");
            byte[] unlinked = Chains.sign(Chains.unsigned(1, new Digest(Raw.seq(32, 9)), Chains.body(1)),
                    List.of(DEVICE), 0).encode();
            assertThatThrownBy(() -> DeviceChain.verify(List.of(encoded, unlinked), null))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("does not link to entry 0");
            byte[] linked = Chains.sign(Chains.unsigned(1, genesis.hash(), Chains.body(1)), List.of(DEVICE), 0)
                    .encode();
            assertThatThrownBy(() -> DeviceChain.verify(List.of(encoded, linked), null))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("second genesis");
        }
    }
}
