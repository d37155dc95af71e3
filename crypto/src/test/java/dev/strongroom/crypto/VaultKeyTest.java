package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.Zstd;
import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.Chunker;
import dev.strongroom.format.Decoder;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.IntegrityException;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.Sha256;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("VaultKey")
class VaultKeyTest {
    private static final VaultId VAULT = new VaultId(TestBytes.random(1, VaultId.LENGTH));
    private static final VaultId OTHER_VAULT = new VaultId(TestBytes.random(2, VaultId.LENGTH));
    private static final AccountId ACCOUNT = new AccountId(TestBytes.random(3, AccountId.LENGTH));
    private static final byte[] CHUNK = TestBytes.compressible(20_000);
    private static final byte[] RANDOM_CHUNK = TestBytes.random(4, 20_000);

    /** The two secrets inside a vault key, read back from its wrap. */
    record Secrets(byte[] epochSecret, byte[] identitySecret) {
        SymmetricKey content() {
            return SymmetricKey.fromUnwrapped(epochSecret).derive("content");
        }
    }

    static Secrets secretsOf(VaultKey vk) {
        AccountRootKey ark = AccountRootKey.generate(1);
        byte[] plain = ark.key().open(vk.wrap(ACCOUNT, ark),
                new SealContext.VaultKeyWrap(Suite.CURRENT, ACCOUNT, vk.vault(), vk.epoch(), 1));
        Decoder d = new Decoder(plain, "vault key");
        d.expectLabel("strongroom/vault-key", 1);
        assertThat(d.u8()).isEqualTo(Suite.CURRENT.id());
        assertThat(new VaultId(d.raw(16))).isEqualTo(vk.vault());
        assertThat(d.u32()).isEqualTo(vk.epoch());
        assertThat(d.u32()).isEqualTo(vk.createdArkEpoch());
        Secrets s = new Secrets(d.raw(32), d.raw(32));
        d.end();
        return s;
    }

    static List<Integer> cuts(Chunker c, byte[] data) {
        List<Integer> out = new ArrayList<>();
        for (int off = 0; off < data.length; ) {
            off += c.cut(data, off, data.length - off);
            out.add(off);
        }
        return out;
    }

    private static byte[] open(VaultKey vk, SealedBlob b) {
        return vk.open(b.type(), b.id(), b.compression(), b.plainLength(), b.box(), 0, b.sealedLength());
    }

    @Nested
    @DisplayName("object ids")
    class ObjectIds {
        @Test
        @DisplayName("are deterministic for one key, and equal for its unwrapped copy and its next epoch")
        void deterministic() {
            VaultKey vk = VaultKey.generate(VAULT);
            AccountRootKey ark = AccountRootKey.generate(1);
            VaultKey copy = VaultKey.unwrap(vk.wrap(ACCOUNT, ark), ACCOUNT, VAULT, 1, ark);
            ObjectId id = vk.objectId(ObjectType.DATA, CHUNK);
            assertThat(vk.objectId(ObjectType.DATA, CHUNK.clone())).isEqualTo(id);
            assertThat(copy.objectId(ObjectType.DATA, CHUNK)).isEqualTo(id);
            assertThat(vk.nextEpoch().objectId(ObjectType.DATA, CHUNK)).isEqualTo(id);
        }

        @Test
        @DisplayName("differ by type, by content, and by vault (another identity secret, even for the same vault id)")
        void differ() {
            VaultKey vk = VaultKey.generate(VAULT);
            ObjectId id = vk.objectId(ObjectType.DATA, CHUNK);
            assertThat(vk.objectId(ObjectType.TREE, CHUNK)).isNotEqualTo(id);
            assertThat(vk.objectId(ObjectType.DATA, TestBytes.flipBit(CHUNK, 0))).isNotEqualTo(id);
            assertThat(VaultKey.generate(OTHER_VAULT).objectId(ObjectType.DATA, CHUNK)).isNotEqualTo(id);
            assertThat(VaultKey.generate(VAULT).objectId(ObjectType.DATA, CHUNK)).isNotEqualTo(id);
        }

        @Test
        @DisplayName("over a slice equal the id of the copied slice")
        void slice() {
            VaultKey vk = VaultKey.generate(VAULT);
            assertThat(vk.objectId(ObjectType.DATA, CHUNK, 100, 5000))
                    .isEqualTo(vk.objectId(ObjectType.DATA, Arrays.copyOfRange(CHUNK, 100, 5100)));
        }

        @Test
        @DisplayName("are HMAC-SHA256(HKDF(identity secret, \"chunk-id\"), u8 type || plaintext)")
        void construction() throws GeneralSecurityException {
            VaultKey vk = VaultKey.generate(VAULT);
            byte[] kid = SymmetricKey.fromUnwrapped(secretsOf(vk).identitySecret()).derive("chunk-id").exportForWrap();
            for (ObjectType t : ObjectType.values()) {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(kid, "HmacSHA256"));
                mac.update((byte) t.code());
                assertThat(vk.objectId(t, CHUNK).bytes()).isEqualTo(mac.doFinal(CHUNK));
            }
        }
    }

    static Stream<Arguments> sealCases() {
        List<Arguments> out = new ArrayList<>();
        for (ObjectType t : ObjectType.values()) {
            for (int level : new int[] {0, 3}) {
                out.add(Arguments.of(t, level, "compressible", CHUNK, level > 0 ? Compression.ZSTD : Compression.NONE));
                out.add(Arguments.of(t, level, "random", RANDOM_CHUNK, Compression.NONE));
            }
        }
        return out.stream();
    }

    @Nested
    @DisplayName("seal and open")
    class SealOpen {
        @ParameterizedTest(name = "{0}, level {1}, {2} data")
        @MethodSource("dev.strongroom.crypto.VaultKeyTest#sealCases")
        @DisplayName("round trip, stored compressed exactly when level > 0 and the data compresses")
        void roundTrip(ObjectType type, int level, String kind, byte[] pt, int method) {
            VaultKey vk = VaultKey.generate(VAULT);
            SealedBlob b = vk.seal(type, pt, level);
            assertThat(b.type()).isEqualTo(type);
            assertThat(b.id()).isEqualTo(vk.objectId(type, pt));
            assertThat(b.compression()).isEqualTo(method);
            assertThat(b.plainLength()).isEqualTo(pt.length);
            assertThat(b.sealedLength()).isEqualTo(b.box().length);
            if (method == Compression.NONE) {
                assertThat(b.sealedLength()).isEqualTo(pt.length + SymmetricKey.OVERHEAD);
            } else {
                assertThat(b.sealedLength()).isLessThan(pt.length / 10);
            }
            assertThat(open(vk, b)).isEqualTo(pt);
            byte[] pack = TestBytes.concat(TestBytes.random(5, 999), b.box(), new byte[7]);
            assertThat(vk.open(type, b.id(), method, pt.length, pack, 999, b.sealedLength())).isEqualTo(pt);
        }

        @Test
        @DisplayName("an empty object round-trips")
        void empty() {
            VaultKey vk = VaultKey.generate(VAULT);
            SealedBlob b = vk.seal(ObjectType.TREE, new byte[0], 3);
            assertThat(b.compression()).isEqualTo(Compression.NONE);
            assertThat(open(vk, b)).isEmpty();
        }

        @Test
        @DisplayName("the same chunk sealed twice, or at two levels, never repeats a nonce or ciphertext")
        void fresh() {
            VaultKey vk = VaultKey.generate(VAULT);
            Set<String> nonces = new HashSet<>();
            Set<String> boxes = new HashSet<>();
            for (int i = 0; i < 100; i++) {
                for (int level : new int[] {0, 3}) {
                    SealedBlob b = vk.seal(ObjectType.DATA, CHUNK, level);
                    assertThat(b.id()).isEqualTo(vk.objectId(ObjectType.DATA, CHUNK));
                    nonces.add(TestBytes.hex(Arrays.copyOf(b.box(), SymmetricKey.NONCE)));
                    boxes.add(TestBytes.hex(b.box()));
                }
            }
            assertThat(nonces).hasSize(200);
            assertThat(boxes).hasSize(200);
        }

        @Test
        @DisplayName("sealing under a caller-supplied id that is not the content's id fails the check before upload")
        void wrongIdAtSeal() {
            VaultKey vk = VaultKey.generate(VAULT);
            ObjectId other = vk.objectId(ObjectType.DATA, RANDOM_CHUNK);
            assertThatThrownBy(() -> vk.seal(ObjectType.DATA, other, CHUNK, 3))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("does not match its id");
        }
    }

    @Nested
    @DisplayName("open refuses")
    class Refuses {
        private final VaultKey vk = VaultKey.generate(VAULT);
        private final SealedBlob zstd = vk.seal(ObjectType.DATA, CHUNK, 3);
        private final SealedBlob plain = vk.seal(ObjectType.DATA, RANDOM_CHUNK, 3);
        private final SealedBlob tree = vk.seal(ObjectType.TREE, CHUNK, 3);

        @Test
        @DisplayName("a chunk presented as a tree, and a tree presented as a chunk")
        void wrongType() {
            assertThat(zstd.compression()).isEqualTo(Compression.ZSTD);
            assertThatThrownBy(() -> vk.open(ObjectType.TREE, zstd.id(), zstd.compression(), zstd.plainLength(),
                    zstd.box(), 0, zstd.sealedLength())).isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, tree.id(), tree.compression(), tree.plainLength(),
                    tree.box(), 0, tree.sealedLength())).isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("another id (the id is in the box's context)")
        void wrongId() {
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, plain.id(), zstd.compression(), zstd.plainLength(),
                    zstd.box(), 0, zstd.sealedLength())).isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("an authentic box whose content is not its id's content (a key holder's forgery)")
        void contentNotMatchingId() {
            ObjectId claimed = vk.objectId(ObjectType.DATA, CHUNK);
            byte[] box = secretsOf(vk).content().seal(RANDOM_CHUNK,
                    new SealContext.Blob(Suite.CURRENT, VAULT, 1, ObjectType.DATA, claimed, Compression.NONE));
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, claimed, Compression.NONE, RANDOM_CHUNK.length, box, 0,
                    box.length)).isInstanceOf(IntegrityException.class).hasMessageContaining("does not match its id");
        }

        @Test
        @DisplayName("an authentic box marked zstd whose content is empty (IntegrityException, not a runtime error)")
        void emptyZstd() {
            ObjectId claimed = vk.objectId(ObjectType.DATA, new byte[0]);
            byte[] box = secretsOf(vk).content().seal(new byte[0],
                    new SealContext.Blob(Suite.CURRENT, VAULT, 1, ObjectType.DATA, claimed, Compression.ZSTD));
            for (int stated : new int[] {0, 100}) {
                assertThatThrownBy(() -> vk.open(ObjectType.DATA, claimed, Compression.ZSTD, stated, box, 0, box.length))
                        .isInstanceOf(IntegrityException.class);
            }
        }

        @Test
        @DisplayName("a flipped compression flag")
        void wrongCompression() {
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, zstd.id(), Compression.NONE, zstd.plainLength(),
                    zstd.box(), 0, zstd.sealedLength())).isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, plain.id(), Compression.ZSTD, plain.plainLength(),
                    plain.box(), 0, plain.sealedLength())).isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("a stated plaintext length that is not the object's")
        void wrongLength() {
            for (int delta : new int[] {-1, 1, -1000}) {
                assertThatThrownBy(() -> vk.open(ObjectType.DATA, zstd.id(), zstd.compression(),
                        zstd.plainLength() + delta, zstd.box(), 0, zstd.sealedLength()))
                        .isInstanceOf(IntegrityException.class);
                assertThatThrownBy(() -> vk.open(ObjectType.DATA, plain.id(), plain.compression(),
                        plain.plainLength() + delta, plain.box(), 0, plain.sealedLength()))
                        .isInstanceOf(IntegrityException.class);
            }
        }

        @Test
        @DisplayName("the next epoch's key, another vault's key, and another key for the same vault id")
        void wrongKey() {
            for (VaultKey other : List.of(vk.nextEpoch(), VaultKey.generate(OTHER_VAULT), VaultKey.generate(VAULT))) {
                assertThatThrownBy(() -> open(other, zstd)).as(other.toString())
                        .isInstanceOf(AuthenticationFailedException.class);
                assertThatThrownBy(() -> open(other, tree)).as(other.toString())
                        .isInstanceOf(AuthenticationFailedException.class);
            }
        }

        @Test
        @DisplayName("tamper battery over a compressed and a stored blob: every corruption fails authentication")
        void battery() {
            SealedBlob small = vk.seal(ObjectType.DATA, TestBytes.compressible(2000), 3);
            SealedBlob stored = vk.seal(ObjectType.TREE, TestBytes.random(6, 300), 3);
            assertThat(small.compression()).isEqualTo(Compression.ZSTD);
            assertThat(stored.compression()).isEqualTo(Compression.NONE);
            for (SealedBlob b : List.of(small, stored)) {
                TamperBattery.of(b.box(), x -> vk.open(b.type(), b.id(), b.compression(), b.plainLength(), x, 0, x.length))
                        .assertAllRejected(AuthenticationFailedException.class);
            }
        }
    }

    @Nested
    @DisplayName("decompression bombs")
    class Bombs {
        @Test
        @DisplayName("a sealed 100 MiB chunk of zeros opened with a small stated length is refused before decompressing")
        void sealedBomb() {
            VaultKey vk = VaultKey.generate(VAULT);
            SealedBlob b = vk.seal(ObjectType.DATA, new byte[100 * 1024 * 1024], 3);
            assertThat(b.compression()).isEqualTo(Compression.ZSTD);
            assertThat(b.sealedLength()).isLessThan(16 * 1024);
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, b.id(), b.compression(), 4096, b.box(), 0, b.sealedLength()))
                    .isInstanceOf(IntegrityException.class).hasMessageContaining("refusing to decompress");
        }

        @Test
        @DisplayName("an authentic box holding a frame that states the right size but carries a 100 MiB second frame")
        void forgedBomb() {
            VaultKey vk = VaultKey.generate(VAULT);
            byte[] honest = TestBytes.compressible(1000);
            ObjectId id = vk.objectId(ObjectType.DATA, honest);
            byte[] frames = TestBytes.concat(Zstd.compress(honest, 3), CompressionTest.bombFrame());
            byte[] box = secretsOf(vk).content().seal(frames,
                    new SealContext.Blob(Suite.CURRENT, VAULT, 1, ObjectType.DATA, id, Compression.ZSTD));
            assertThatThrownBy(() -> vk.open(ObjectType.DATA, id, Compression.ZSTD, honest.length, box, 0, box.length))
                    .isInstanceOf(IntegrityException.class);
        }
    }

    @Nested
    @DisplayName("wrap under the account root key")
    class Wrap {
        private final VaultKey vk = VaultKey.generate(VAULT);
        private final AccountRootKey ark = AccountRootKey.generate(1);
        private final byte[] wrapped = vk.wrap(ACCOUNT, ark);

        @Test
        @DisplayName("unwrap gives a key with the same vault, epoch, ids, chunker, content and metadata keys")
        void roundTrip() {
            VaultKey back = VaultKey.unwrap(wrapped, ACCOUNT, VAULT, 1, ark);
            assertThat(back.vault()).isEqualTo(VAULT);
            assertThat(back.epoch()).isEqualTo(1);
            SealedBlob b = vk.seal(ObjectType.DATA, CHUNK, 3);
            assertThat(open(back, b)).isEqualTo(CHUNK);
            SealedBlob t = back.seal(ObjectType.TREE, RANDOM_CHUNK, 0);
            assertThat(open(vk, t)).isEqualTo(RANDOM_CHUNK);
            assertThat(back.objectId(ObjectType.TREE, CHUNK)).isEqualTo(vk.objectId(ObjectType.TREE, CHUNK));
            byte[] data = TestBytes.random(7, 3 * 1024 * 1024);
            assertThat(cuts(back.chunker(), data)).isEqualTo(cuts(vk.chunker(), data));
            SealContext ctx = new SealContext.VaultMeta(Suite.CURRENT, ACCOUNT, VAULT, 1);
            assertThat(back.metadataKey().open(vk.metadataKey().seal(new byte[5], ctx), ctx)).hasSize(5);
        }

        @Test
        @DisplayName("a later epoch wraps and unwraps as that epoch")
        void laterEpoch() {
            VaultKey e3 = vk.nextEpoch().nextEpoch();
            assertThat(e3.epoch()).isEqualTo(3);
            VaultKey back = VaultKey.unwrap(e3.wrap(ACCOUNT, ark), ACCOUNT, VAULT, 3, ark);
            assertThat(open(back, e3.seal(ObjectType.DATA, CHUNK, 3))).isEqualTo(CHUNK);
        }

        @Test
        @DisplayName("unwrapping with another account, vault, vault key epoch, ARK epoch or ARK fails authentication")
        void bound() {
            AccountId otherAccount = new AccountId(TestBytes.random(8, 32));
            byte[] arkBytes = ark.exportForWrap();
            Digest epoch2 = Sha256.labelled("strongroom/ark-commit", new Encoder().u32(2).raw(arkBytes).toBytes());
            AccountRootKey sameBytesEpoch2 = AccountRootKey.fromUnwrapped(2, arkBytes, epoch2);
            assertThatThrownBy(() -> VaultKey.unwrap(wrapped, otherAccount, VAULT, 1, ark))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> VaultKey.unwrap(wrapped, ACCOUNT, OTHER_VAULT, 1, ark))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> VaultKey.unwrap(wrapped, ACCOUNT, VAULT, 2, ark))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> VaultKey.unwrap(wrapped, ACCOUNT, VAULT, 1, sameBytesEpoch2))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> VaultKey.unwrap(wrapped, ACCOUNT, VAULT, 1, AccountRootKey.generate(1)))
                    .isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("a key claiming creation under a newer root-key epoch than its wrap's is refused (a removed device's forgery)")
        void createdAfterWrap() {
            AccountRootKey old = AccountRootKey.generate(2);
            try (VaultKey forged = VaultKey.generate(VAULT, 3); VaultKey honest = VaultKey.generate(VAULT, 2)) {
                assertThatThrownBy(() -> VaultKey.unwrap(forged.wrap(ACCOUNT, old), ACCOUNT, VAULT, 1, old))
                        .isInstanceOf(IntegrityException.class)
                        .hasMessageContaining("claims creation under root-key epoch 3")
                        .hasMessageContaining("older root-key epoch 2");
                // re-wrapped forward (a rotation) is fine, and so is the epoch it was created under
                AccountRootKey newer = AccountRootKey.generate(3);
                assertThat(VaultKey.unwrap(honest.wrap(ACCOUNT, newer), ACCOUNT, VAULT, 1, newer).createdArkEpoch()).isEqualTo(2);
                assertThat(VaultKey.unwrap(honest.wrap(ACCOUNT, old), ACCOUNT, VAULT, 1, old).createdArkEpoch()).isEqualTo(2);
            }
        }

        @Test
        @DisplayName("tamper battery over the wrap: every corruption fails authentication")
        void battery() {
            TamperBattery.of(wrapped, w -> VaultKey.unwrap(w, ACCOUNT, VAULT, 1, ark))
                    .assertAllRejected(AuthenticationFailedException.class);
        }
    }

    @Nested
    @DisplayName("next epoch")
    class NextEpoch {
        private final VaultKey e1 = VaultKey.generate(VAULT);
        private final VaultKey e2 = e1.nextEpoch();

        @Test
        @DisplayName("keeps the vault, the identity secret (object ids) and the chunker's cut points")
        void keeps() {
            assertThat(e2.vault()).isEqualTo(VAULT);
            assertThat(e2.epoch()).isEqualTo(2);
            assertThat(secretsOf(e2).identitySecret()).isEqualTo(secretsOf(e1).identitySecret());
            assertThat(e2.objectId(ObjectType.DATA, RANDOM_CHUNK)).isEqualTo(e1.objectId(ObjectType.DATA, RANDOM_CHUNK));
            assertThat(e2.chunker().params()).isEqualTo(e1.chunker().params());
            byte[] data = TestBytes.random(9, 6 * 1024 * 1024);
            List<Integer> c1 = cuts(e1.chunker(), data);
            assertThat(c1).hasSizeGreaterThan(2);
            assertThat(cuts(e2.chunker(), data)).isEqualTo(c1);
            assertThat(cuts(VaultKey.generate(VAULT).chunker(), data)).as("another key's chunker").isNotEqualTo(c1);
        }

        @Test
        @DisplayName("changes the epoch secret, so content and metadata keys: epoch 1 boxes do not open under epoch 2")
        void changesContentKey() {
            assertThat(secretsOf(e2).epochSecret()).isNotEqualTo(secretsOf(e1).epochSecret());
            SealedBlob b1 = e1.seal(ObjectType.DATA, CHUNK, 3);
            assertThatThrownBy(() -> open(e2, b1)).isInstanceOf(AuthenticationFailedException.class);
            SealedBlob b2 = e2.seal(ObjectType.DATA, CHUNK, 3);
            assertThat(b2.id()).isEqualTo(b1.id());
            assertThat(open(e2, b2)).isEqualTo(CHUNK);
            assertThatThrownBy(() -> open(e1, b2)).isInstanceOf(AuthenticationFailedException.class);
            SealContext ctx = new SealContext.VaultMeta(Suite.CURRENT, ACCOUNT, VAULT, 1);
            byte[] meta = e1.metadataKey().seal(new byte[5], ctx);
            assertThatThrownBy(() -> e2.metadataKey().open(meta, ctx)).isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("epoch 1 keeps working after its successor is made")
        void predecessorIntact() {
            SealedBlob b = e1.seal(ObjectType.TREE, CHUNK, 3);
            e2.close();
            assertThat(open(e1, b)).isEqualTo(CHUNK);
        }
    }

    @Nested
    @DisplayName("key handling")
    class Handling {
        @ParameterizedTest
        @EnumSource(ObjectType.class)
        @DisplayName("a closed key refuses to seal and open")
        void closed(ObjectType type) {
            VaultKey vk = VaultKey.generate(VAULT);
            SealedBlob b = vk.seal(type, CHUNK, 3);
            vk.close();
            assertThatThrownBy(() -> vk.seal(type, CHUNK, 3)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> open(vk, b)).isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("toString names the vault and epoch only")
        void redacted() {
            VaultKey vk = VaultKey.generate(VAULT);
            Secrets s = secretsOf(vk);
            assertThat(vk.toString()).isEqualTo("VaultKey[" + VAULT.hex() + " epoch 1]")
                    .doesNotContain(TestBytes.hex(s.epochSecret()).substring(0, 16))
                    .doesNotContain(TestBytes.hex(s.identitySecret()).substring(0, 16));
        }
    }
}
