package dev.strongroom.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.AuthenticationFailedException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.VaultId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("SymmetricKey boxes")
class SymmetricKeyTest {
    private static final SealContext CTX = new SealContext.Local(dev.strongroom.format.Suite.CURRENT,
            new VaultId(TestBytes.random(1, VaultId.LENGTH)), "index");

    private static SymmetricKey key(long seed) {
        return new SymmetricKey(TestBytes.random(seed, SymmetricKey.LENGTH));
    }

    @Nested
    @DisplayName("round trip")
    class RoundTrip {
        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 1, 15, 16, 17, 1000, 65535, 65536, 65537, 3 * 65536 + 5})
        @DisplayName("a sealed plaintext opens to itself; the box is plaintext + 60 bytes")
        void roundTrip(int n) {
            SymmetricKey k = key(1);
            byte[] pt = TestBytes.random(n, n);
            byte[] box = k.seal(pt, CTX);
            assertThat(box).hasSize(n + SymmetricKey.OVERHEAD);
            assertThat(SymmetricKey.OVERHEAD).isEqualTo(60);
            assertThat(k.open(box, CTX)).isEqualTo(pt);
        }

        @Test
        @DisplayName("a 5 MiB plaintext (80 slices of 64 KiB plus a partial one) round-trips, and a flip in any slice is caught")
        void large() {
            SymmetricKey k = key(2);
            int n = 5 * 1024 * 1024 + 12345;
            byte[] pt = TestBytes.random(2, n);
            byte[] box = k.seal(pt, CTX);
            assertThat(k.open(box, CTX)).isEqualTo(pt);
            int body = SymmetricKey.NONCE + SymmetricKey.COMMIT;
            for (int pos : new int[] {body, body + 65535, body + 65536, body + n / 2, body + n - 1, box.length - 1}) {
                assertThatThrownBy(() -> k.open(TestBytes.flipByte(box, pos), CTX))
                        .as("byte %d flipped", pos).isInstanceOf(AuthenticationFailedException.class);
            }
            assertThatThrownBy(() -> k.open(Arrays.copyOf(box, body + 65536 + SymmetricKey.TAG), CTX))
                    .isInstanceOf(AuthenticationFailedException.class);
        }

        @Test
        @DisplayName("seal and open honour offset and length inside larger buffers")
        void offsets() {
            SymmetricKey k = key(3);
            byte[] buf = TestBytes.random(3, 300);
            byte[] box = k.seal(buf, 100, 50, CTX);
            assertThat(k.open(box, CTX)).isEqualTo(Arrays.copyOfRange(buf, 100, 150));
            byte[] pack = TestBytes.concat(TestBytes.random(4, 77), box, TestBytes.random(5, 33));
            assertThat(k.open(pack, 77, box.length, CTX)).isEqualTo(Arrays.copyOfRange(buf, 100, 150));
            assertThatThrownBy(() -> k.open(pack, 76, box.length, CTX)).isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> k.open(pack, 77, box.length - 1, CTX)).isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Nested
    @DisplayName("tampering")
    class Tampering {
        @ParameterizedTest(name = "{0}-byte plaintext")
        @ValueSource(ints = {0, 1, 40, 200})
        @DisplayName("the tamper battery: every truncation, extension, bit flip, deleted/duplicated/swapped segment fails")
        void battery(int n) {
            SymmetricKey k = key(10);
            byte[] box = k.seal(TestBytes.random(n + 10, n), CTX);
            int tried = TamperBattery.of(box, b -> k.open(b, CTX)).assertAllRejected(AuthenticationFailedException.class);
            assertThat(tried).isGreaterThan(8 * box.length);
        }

        @Test
        @DisplayName("a box shorter than its 60-byte overhead is reported as truncated")
        void truncated() {
            SymmetricKey k = key(11);
            byte[] box = k.seal(new byte[0], CTX);
            assertThatThrownBy(() -> k.open(Arrays.copyOf(box, 59), CTX))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("truncated");
        }

        @Test
        @DisplayName("a flipped ciphertext byte passes the commitment and fails the GCM tag")
        void tagChecked() {
            SymmetricKey k = key(12);
            byte[] box = k.seal(TestBytes.random(12, 100), CTX);
            assertThatThrownBy(() -> k.open(TestBytes.flipByte(box, 50), CTX))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("tag");
        }
    }

    @Nested
    @DisplayName("key commitment")
    class Commitment {
        @Test
        @DisplayName("a box opened with another key fails the key commitment")
        void otherKey() {
            byte[] box = key(20).seal(TestBytes.random(20, 64), CTX);
            assertThatThrownBy(() -> key(21).open(box, CTX))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("key commitment");
        }

        @Test
        @DisplayName("the commitment is checked before decryption: a replaced commitment fails as a commitment, not a tag")
        void commitmentFirst() {
            SymmetricKey k = key(22);
            byte[] box = k.seal(TestBytes.random(22, 64), CTX);
            byte[] bad = TestBytes.replace(box, SymmetricKey.NONCE, new byte[SymmetricKey.COMMIT]);
            assertThatThrownBy(() -> k.open(bad, CTX))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("key commitment");
        }
    }

    static Stream<Arguments> contextVariants() {
        List<Arguments> out = new ArrayList<>();
        for (Class<? extends SealContext> t : SealContexts.types()) {
            SealContext base = SealContexts.base(t);
            for (SealContexts.Variant v : SealContexts.variants(base)) {
                out.add(Arguments.of(base, v));
            }
        }
        return out.stream();
    }

    @Nested
    @DisplayName("context binding")
    class Contexts {
        @Test
        @DisplayName("every SealContext record type is covered and has at least one field besides the suite")
        void coverage() {
            assertThat(SealContexts.types()).hasSize(11);
            for (Class<? extends SealContext> t : SealContexts.types()) {
                assertThat(SealContexts.variants(SealContexts.base(t))).as(t.getSimpleName()).isNotEmpty();
            }
            assertThat(contextVariants().count()).isEqualTo(5 + 3 + 4 + 3 + 4 + 7 + 2 + 1 + 2 + 3 + 2);
        }

        @ParameterizedTest(name = "{1}")
        @MethodSource("dev.strongroom.crypto.SymmetricKeyTest#contextVariants")
        @DisplayName("a box sealed for one context does not open when one field of the context changes")
        void fieldChanged(SealContext base, SealContexts.Variant variant) {
            SymmetricKey k = key(30);
            byte[] box = k.seal(TestBytes.random(30, 48), base);
            assertThat(k.open(box, base)).hasSize(48);
            assertThatThrownBy(() -> k.open(box, variant.context()))
                    .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("key commitment");
        }

        @Test
        @DisplayName("a box sealed for one context type does not open as any other type")
        void typeChanged() {
            SymmetricKey k = key(31);
            for (Class<? extends SealContext> from : SealContexts.types()) {
                byte[] box = k.seal(TestBytes.random(31, 16), SealContexts.base(from));
                for (Class<? extends SealContext> to : SealContexts.types()) {
                    if (to != from) {
                        assertThatThrownBy(() -> k.open(box, SealContexts.base(to)))
                                .as("%s opened as %s", from.getSimpleName(), to.getSimpleName())
                                .isInstanceOf(AuthenticationFailedException.class);
                    }
                }
            }
        }

        @Test
        @DisplayName("every context and every one-field variant has a distinct encoding (each field is encoded)")
        void encodingsDistinct() {
            Set<String> seen = new HashSet<>();
            int n = 0;
            for (Class<? extends SealContext> t : SealContexts.types()) {
                SealContext base = SealContexts.base(t);
                assertThat(seen.add(TestBytes.hex(base.encode()))).as(t.getSimpleName()).isTrue();
                n++;
                for (SealContexts.Variant v : SealContexts.variants(base)) {
                    assertThat(seen.add(TestBytes.hex(v.context().encode()))).as(v.description()).isTrue();
                    n++;
                }
            }
            assertThat(seen).hasSize(n);
        }

        @Test
        @DisplayName("swapping sender and recipient in an envelope context changes it")
        void swappedParties() {
            SealContext.Envelope e = (SealContext.Envelope) SealContexts.base(SealContext.Envelope.class);
            SealContext.Envelope swapped = new SealContext.Envelope(e.suite(), e.purpose(), e.account(), e.epoch(),
                    e.recipient(), e.sender(), e.recipientKeys(), e.senderKeys());
            SymmetricKey k = key(32);
            byte[] box = k.seal(new byte[8], e);
            assertThatThrownBy(() -> k.open(box, swapped)).isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Nested
    @DisplayName("nonces")
    class Nonces {
        @Test
        @DisplayName("1000 seals of the same plaintext have 1000 distinct nonces, commitments and ciphertexts")
        void neverRepeat() {
            SymmetricKey k = key(40);
            byte[] pt = TestBytes.random(40, 32);
            Set<String> nonces = new HashSet<>();
            Set<String> commitments = new HashSet<>();
            Set<String> ciphertexts = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                byte[] box = k.seal(pt, CTX);
                nonces.add(TestBytes.hex(Arrays.copyOf(box, SymmetricKey.NONCE)));
                commitments.add(TestBytes.hex(Arrays.copyOfRange(box, SymmetricKey.NONCE, SymmetricKey.NONCE + SymmetricKey.COMMIT)));
                ciphertexts.add(TestBytes.hex(Arrays.copyOfRange(box, SymmetricKey.NONCE + SymmetricKey.COMMIT, box.length)));
            }
            assertThat(nonces).hasSize(1000);
            assertThat(commitments).hasSize(1000);
            assertThat(ciphertexts).hasSize(1000);
        }
    }

    @Nested
    @DisplayName("subkeys")
    class Subkeys {
        @Test
        @DisplayName("derive is deterministic per purpose: a box from one derivation opens with another")
        void deterministic() {
            SymmetricKey k = key(50);
            assertThat(k.derive("content").exportForWrap()).isEqualTo(k.derive("content").exportForWrap());
            byte[] box = k.derive("content").seal(new byte[10], CTX);
            assertThat(key(50).derive("content").open(box, CTX)).isEqualTo(new byte[10]);
        }

        @Test
        @DisplayName("different purposes, the parent and another parent give different keys")
        void distinct() {
            SymmetricKey k = key(51);
            List<String> purposes = List.of("content", "metadata", "chunk-id", "chunker", "", "Content", "content ");
            Set<String> seen = new HashSet<>();
            seen.add(TestBytes.hex(k.exportForWrap()));
            for (String p : purposes) {
                assertThat(seen.add(TestBytes.hex(k.derive(p).exportForWrap()))).as("purpose '%s'", p).isTrue();
                assertThat(seen.add(TestBytes.hex(key(52).derive(p).exportForWrap()))).as("other parent, '%s'", p).isTrue();
            }
            byte[] box = k.derive("content").seal(new byte[10], CTX);
            assertThatThrownBy(() -> k.derive("metadata").open(box, CTX)).isInstanceOf(AuthenticationFailedException.class);
            assertThatThrownBy(() -> k.open(box, CTX)).isInstanceOf(AuthenticationFailedException.class);
        }
    }

    @Nested
    @DisplayName("key handling")
    class Handling {
        @ParameterizedTest(name = "{0} bytes")
        @ValueSource(ints = {0, 16, 31, 33, 64})
        @DisplayName("an unwrapped key that is not 32 bytes is malformed")
        void unwrappedLength(int n) {
            assertThatThrownBy(() -> SymmetricKey.fromUnwrapped(new byte[n])).isInstanceOf(MalformedDataException.class);
        }

        @Test
        @DisplayName("fromUnwrapped copies: changing the caller's array later does not change the key")
        void copies() {
            byte[] raw = TestBytes.random(60, 32);
            SymmetricKey k = SymmetricKey.fromUnwrapped(raw);
            byte[] box = k.seal(new byte[4], CTX);
            Arrays.fill(raw, (byte) 0);
            assertThat(k.open(box, CTX)).hasSize(4);
            assertThat(SymmetricKey.random().exportForWrap()).isNotEqualTo(SymmetricKey.random().exportForWrap());
        }

        @Test
        @DisplayName("a destroyed key refuses to seal, open or export; close destroys")
        void destroy() {
            SymmetricKey k = key(61);
            byte[] box = k.seal(new byte[4], CTX);
            k.close();
            assertThat(k.isDestroyed()).isTrue();
            assertThatThrownBy(() -> k.seal(new byte[4], CTX)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> k.open(box, CTX)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(k::exportForWrap).isInstanceOf(IllegalStateException.class);
        }

        @Test
        @DisplayName("toString shows no key material")
        void redacted() {
            SymmetricKey k = key(62);
            assertThat(k.toString()).isEqualTo("SymmetricKey[redacted]").doesNotContain(TestBytes.hex(k.exportForWrap()));
        }
    }
}
