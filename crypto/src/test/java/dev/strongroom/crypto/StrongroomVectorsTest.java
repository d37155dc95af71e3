package dev.strongroom.crypto;

import static dev.strongroom.crypto.TestBytes.hex;
import static dev.strongroom.crypto.TestBytes.unhex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AccountId;
import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.DeviceId;
import dev.strongroom.format.Digest;
import dev.strongroom.format.Encoder;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.Suite;
import dev.strongroom.format.VaultId;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known answers for Strongroom's own constructions, from {@code vectors/strongroom-vectors.txt}
 * (made by an independent Python implementation, see the README there). Each vector is
 * assembled from named fields.
 *
 * <p>Sealing cannot be checked against a fixed vector: the box nonce is random and there is no
 * package-private hook to fix it (by design, callers never choose nonces). Instead, the
 * vectors are checked in the opening direction, and {@link SealConformance} recomputes a
 * freshly sealed box from its own nonce with the documented construction.
 */
@DisplayName("Strongroom known-answer vectors")
class StrongroomVectorsTest {
    private static final Map<String, Map<String, String>> V = Vectors.strongroom();

    private static Map<String, String> section(String name) {
        Map<String, String> s = V.get(name);
        assertThat(s).as("section [%s] in strongroom-vectors.txt", name).isNotNull();
        return s;
    }

    private static byte[] b(Map<String, String> s, String field) {
        String v = s.get(field);
        assertThat(v).as("field %s", field).isNotNull();
        return unhex(v);
    }

    private static long n(Map<String, String> s, String field) {
        return Long.parseLong(s.get(field));
    }

    private static SealContext.Envelope envelopeContext(Map<String, String> s) {
        return new SealContext.Envelope(Suite.V1, s.get("purpose"), new AccountId(b(s, "account")), n(s, "epoch"),
                new DeviceId(b(s, "sender")), new DeviceId(b(s, "recipient")), new Digest(b(s, "senderKeys")),
                new Digest(b(s, "recipientKeys")));
    }

    @Test
    @DisplayName("the vector file holds every section this test reads")
    void complete() {
        assertThat(V.keySet()).containsExactly("box-blob", "box-envelope-empty", "subkey-content", "subkey-metadata",
                "subkey-chunk-id", "subkey-chunker", "ark-commit", "vault-key", "recovery-code", "kem-wrap");
    }

    @Nested
    @DisplayName("boxes")
    class Boxes {
        @Test
        @DisplayName("blob context: encoding, commitment and box open to the plaintext")
        void blob() {
            Map<String, String> s = section("box-blob");
            SealContext ctx = new SealContext.Blob(Suite.V1, new VaultId(b(s, "vault")), n(s, "keyEpoch"),
                    ObjectType.of((int) n(s, "type")), new ObjectId(b(s, "id")), (int) n(s, "compression"));
            assertThat(hex(ctx.encode())).isEqualTo(s.get("context"));
            checkBox(s, ctx);
        }

        @Test
        @DisplayName("envelope context with an empty plaintext")
        void envelope() {
            Map<String, String> s = section("box-envelope-empty");
            SealContext ctx = envelopeContext(s);
            assertThat(hex(ctx.encode())).isEqualTo(s.get("context"));
            checkBox(s, ctx);
        }

        private void checkBox(Map<String, String> s, SealContext ctx) {
            byte[] box = b(s, "box");
            assertThat(Arrays.copyOf(box, SymmetricKey.NONCE)).isEqualTo(b(s, "nonce"));
            assertThat(TestBytes.slice(box, SymmetricKey.NONCE, SymmetricKey.NONCE + SymmetricKey.COMMIT))
                    .isEqualTo(b(s, "commitment"));
            SymmetricKey key = SymmetricKey.fromUnwrapped(b(s, "key"));
            assertThat(key.open(box, ctx)).isEqualTo(b(s, "plaintext"));
            assertThatThrownBy(() -> key.open(TestBytes.flipBit(box, 8 * box.length - 1), ctx))
                    .isInstanceOf(AuthenticationFailedException.class);
            assertThat(Construction.box(b(s, "key"), b(s, "nonce"), ctx.encode(), b(s, "plaintext"))).isEqualTo(box);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"content", "metadata", "chunk-id", "chunker"})
    @DisplayName("subkeys")
    void subkey(String purpose) {
        Map<String, String> s = section("subkey-" + purpose);
        assertThat(s.get("purpose")).isEqualTo(purpose);
        assertThat(hex(SymmetricKey.fromUnwrapped(b(s, "key")).derive(purpose).exportForWrap()))
                .isEqualTo(s.get("subkey"));
    }

    @Test
    @DisplayName("ARK commitment")
    void arkCommitment() {
        Map<String, String> s = section("ark-commit");
        Digest expected = new Digest(b(s, "commitment"));
        AccountRootKey ark = AccountRootKey.fromUnwrapped(n(s, "epoch"), b(s, "ark"), expected);
        assertThat(ark.commitment()).isEqualTo(expected);
    }

    @Test
    @DisplayName("vault key: unwrap under the ARK, object ids, and a sealed chunk")
    void vaultKey() {
        Map<String, String> s = section("vault-key");
        AccountRootKey ark = AccountRootKey.fromUnwrapped(n(s, "arkEpoch"), b(s, "ark"), new Digest(b(s, "arkCommitment")));
        VaultId vault = new VaultId(b(s, "vault"));
        VaultKey vk = VaultKey.unwrap(b(s, "wrap"), new AccountId(b(s, "account")), vault, n(s, "epoch"), ark);
        assertThat(vk.epoch()).isEqualTo(n(s, "epoch"));
        assertThat(vk.createdArkEpoch()).isEqualTo(n(s, "createdArkEpoch"));
        byte[] chunk = b(s, "chunk");
        ObjectId id = vk.objectId(ObjectType.DATA, chunk);
        assertThat(hex(id.bytes())).isEqualTo(s.get("chunkId"));
        assertThat(hex(vk.objectId(ObjectType.TREE, chunk).bytes())).isEqualTo(s.get("treeId"));
        byte[] box = b(s, "chunkBox");
        assertThat(vk.open(ObjectType.DATA, id, Compression.NONE, chunk.length, box, 0, box.length)).isEqualTo(chunk);
        assertThat(VaultKeyTest.secretsOf(vk)).satisfies(x -> {
            assertThat(x.epochSecret()).isEqualTo(b(s, "epochSecret"));
            assertThat(x.identitySecret()).isEqualTo(b(s, "identitySecret"));
        });
    }

    @Test
    @DisplayName("recovery code: display form and blob key of a fixed secret")
    void recoveryCode() {
        Map<String, String> s = section("recovery-code");
        assertThat(RecoveryCodeTest.displayFor(b(s, "secret"))).isEqualTo(s.get("display"));
        RecoveryCode c = RecoveryCode.parse(s.get("display"));
        assertThat(c.display()).isEqualTo(s.get("display"));
        assertThat(hex(c.blobKey().exportForWrap())).isEqualTo(s.get("blobKey"));
    }

    @Test
    @DisplayName("KEM wrap over the first X-Wing vector's ciphertext")
    void kemWrap() {
        Map<String, String> s = section("kem-wrap");
        KemKeyPair kp = KemKeyPair.fromSeed(b(s, "seed"));
        SealContext.Envelope ctx = envelopeContext(s);
        assertThat(KemWrap.unwrap(b(s, "wrap"), kp, ctx)).isEqualTo(b(s, "secret"));
    }

    @Nested
    @DisplayName("seal conformance (the documented construction, recomputed from the box's own nonce)")
    class SealConformance {
        @ParameterizedTest(name = "{0}-byte plaintext")
        @ValueSource(ints = {0, 1, 100, 70_000})
        @DisplayName("a freshly sealed box equals nonce || commitment || AES-GCM under the HKDF-derived key")
        void sealed(int len) {
            byte[] key = TestBytes.random(len, 32);
            byte[] pt = TestBytes.random(len + 1, len);
            SealContext ctx = SealContexts.base(SealContext.Commit.class);
            byte[] box = SymmetricKey.fromUnwrapped(key).seal(pt, ctx);
            byte[] nonce = Arrays.copyOf(box, SymmetricKey.NONCE);
            assertThat(Construction.box(key, nonce, ctx.encode(), pt)).isEqualTo(box);
        }
    }

    /**
     * The box construction written out with HMAC (not the JDK's KDF API, which the code under
     * test uses) and AES-GCM.
     */
    static final class Construction {
        static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int len) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(salt.length == 0 ? new byte[32] : salt, "HmacSHA256"));
            byte[] prk = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(prk, "HmacSHA256"));
            byte[] out = new byte[len];
            byte[] t = new byte[0];
            for (int i = 1, o = 0; o < len; i++) {
                mac.update(t);
                mac.update(info);
                mac.update((byte) i);
                t = mac.doFinal();
                System.arraycopy(t, 0, out, o, Math.min(t.length, len - o));
                o += t.length;
            }
            return out;
        }

        static byte[] box(byte[] key, byte[] nonce, byte[] ctx, byte[] pt) {
            try {
                byte[] okm = hkdf(key, nonce, Encoder.labelled("strongroom/box", 1).bytes32(ctx).toBytes(), 64);
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(okm, 0, 32, "AES"), new GCMParameterSpec(128, nonce));
                c.updateAAD(ctx);
                return TestBytes.concat(nonce, Arrays.copyOfRange(okm, 32, 64), c.doFinal(pt));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
