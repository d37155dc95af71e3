package dev.strongroom.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Commit and CommitHeader")
class CommitTest {
    private static final int SUITE_OFFSET_COMMIT = 1 + "strongroom/commit".length() + 2;
    private static final int SUITE_OFFSET_HEADER = 1 + "strongroom/commit-header".length() + 2;

    private static Commit commit(long seq, Digest parent) {
        return new Commit(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, seq, parent, Fixtures.ROOT, Fixtures.AUTHOR, 1,
                Fixtures.CHAIN_HEAD, 0, "", 0, 0);
    }

    private static Commit withMessage(String message) {
        return new Commit(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, 1, Commit.NO_PARENT, Fixtures.ROOT,
                Fixtures.AUTHOR, 1, Fixtures.CHAIN_HEAD, 0, message, 0, 0);
    }

    @Nested
    @DisplayName("Commit")
    class Commits {
        @Test
        @DisplayName("known answer: vectors/commit.hex equals the layout assembled field by field")
        void knownAnswer() {
            byte[] vector = Vectors.hexFile("commit.hex");
            assertThat(vector).isEqualTo(Fixtures.commitFromFields());
            assertThat(Fixtures.commit().encode()).isEqualTo(vector);
            assertThat(Commit.decode(vector, Suite.V1)).isEqualTo(Fixtures.commit());
        }

        @Test
        @DisplayName("round trip of the first commit and of extreme values")
        void roundTrips() {
            Commit first = commit(1, Commit.NO_PARENT);
            assertThat(Commit.decode(first.encode(), Suite.V1)).isEqualTo(first);
            Commit extreme = new Commit(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, Long.MAX_VALUE, Fixtures.PARENT,
                    Fixtures.ROOT, Fixtures.AUTHOR, 0xFFFF_FFFFL, Fixtures.CHAIN_HEAD, Long.MIN_VALUE,
                    "\u20ac".repeat(1365) + "x", Long.MAX_VALUE, Long.MAX_VALUE);
            assertThat(Commit.decode(extreme.encode(), Suite.V1)).isEqualTo(extreme);
        }

        @Test
        @DisplayName("seq 1 must have no parent, seq > 1 must have one (IntegrityException)")
        void parentRules() {
            assertThatThrownBy(() -> commit(1, Fixtures.PARENT)).isInstanceOf(IntegrityException.class)
                    .hasMessage("commit 1 must not have a parent");
            assertThatThrownBy(() -> commit(2, Commit.NO_PARENT)).isInstanceOf(IntegrityException.class)
                    .hasMessage("commit 2 must have a parent");
            assertThatCode(() -> commit(1, Commit.NO_PARENT)).doesNotThrowAnyException();
            assertThatCode(() -> commit(2, Fixtures.PARENT)).doesNotThrowAnyException();
            assertThat(Commit.NO_PARENT.bytes()).isEqualTo(new byte[32]);
        }

        @Test
        @DisplayName("the parent rules also hold for decoded commits")
        void parentRulesOnDecode() {
            byte[] seq1WithParent = Raw.of().label("strongroom/commit", 1).u8(1).bytes(Raw.seq(32, 1))
                    .bytes(Raw.seq(16, 0)).u64(1).bytes(Raw.seq(32, 0x50)).fill(96, 7).u32(1).fill(32, 0).u64(0)
                    .u16(0).u64(0).u64(0).build();
            assertThatThrownBy(() -> Commit.decode(seq1WithParent, Suite.V1)).isInstanceOf(IntegrityException.class)
                    .hasMessageContaining("must not have a parent");
        }

        @Test
        @DisplayName("seq 0 is malformed, also when decoded (not an IllegalArgumentException)")
        void seqZero() {
            assertThatThrownBy(() -> commit(0, Commit.NO_PARENT)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("at least 1");
            byte[] enc = commit(1, Commit.NO_PARENT).encode();
            int seqOffset = SUITE_OFFSET_COMMIT + 1 + 32 + 16;
            enc[seqOffset + 7] = 0;
            assertThatThrownBy(() -> Commit.decode(enc, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("at least 1");
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 0x1_0000_0000L, -1})
        void keyEpochRange(long epoch) {
            assertThatThrownBy(() -> new Commit(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, 1, Commit.NO_PARENT,
                    Fixtures.ROOT, Fixtures.AUTHOR, epoch, Fixtures.CHAIN_HEAD, 0, "", 0, 0))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("key epoch");
        }

        @Test
        void negativeCounts() {
            assertThatThrownBy(() -> new Commit(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, 1, Commit.NO_PARENT,
                    Fixtures.ROOT, Fixtures.AUTHOR, 1, Fixtures.CHAIN_HEAD, 0, "", -1, 0))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("negative");
            assertThatThrownBy(() -> new Commit(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, 1, Commit.NO_PARENT,
                    Fixtures.ROOT, Fixtures.AUTHOR, 1, Fixtures.CHAIN_HEAD, 0, "", 0, -1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("negative");
        }

        @Test
        @DisplayName("a message that could not be read back is refused when the commit is made")
        void messageBounds() {
            assertThat(Commit.decode(withMessage("m".repeat(4096)).encode(), Suite.V1).message()).hasSize(4096);
            assertThatThrownBy(() -> withMessage("m".repeat(4097))).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("at most 4096 bytes");
            assertThatThrownBy(() -> withMessage("\u20ac".repeat(1366))).as("1366 characters, 4098 bytes")
                    .isInstanceOf(InvalidInputException.class);
            assertThatThrownBy(() -> withMessage("half a pair \uD83D")).isInstanceOf(InvalidInputException.class)
                    .hasMessageContaining("valid Unicode");
        }

        @Test
        @DisplayName("decode refuses an over-long message before allocating it")
        void messageTooLongOnDecode() {
            byte[] good = withMessage("").encode();
            int msgOffset = good.length - 2 - 16;
            byte[] bad = Raw.concat(Arrays.copyOf(good, msgOffset), Raw.of().u16(4097).fill(4097, 'm').u64(0).u64(0)
                    .build());
            assertThatThrownBy(() -> Commit.decode(bad, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("length 4097 exceeds 4096");
        }

        @Test
        @DisplayName("truncated at every byte and with trailing bytes")
        void truncatedAndTrailing() {
            byte[] full = Vectors.hexFile("commit.hex");
            Tamper.everyTruncation(full, b -> Commit.decode(b, Suite.V1));
            Tamper.appended(full, b -> Commit.decode(b, Suite.V1));
        }

        @Test
        @DisplayName("every single-bit flip either throws or decodes to a different commit")
        void everyBitFlip() {
            int rejected = Tamper.everyBitFlip(Fixtures.commit().encode(), Fixtures.commit(),
                    b -> Commit.decode(b, Suite.V1), Commit::encode);
            assertThat(rejected).isGreaterThanOrEqualTo(8 * (SUITE_OFFSET_COMMIT + 1));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 2, 0xFF})
        @DisplayName("an unknown suite is malformed and asks for an upgrade")
        void unknownSuite(int suite) {
            byte[] b = Vectors.hexFile("commit.hex");
            b[SUITE_OFFSET_COMMIT] = (byte) suite;
            assertThatThrownBy(() -> Commit.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown cipher suite " + suite).hasMessageContaining("upgrade");
        }

        @Test
        @DisplayName("an older format version is a downgrade, a newer one asks for an upgrade")
        void versions() {
            byte[] b = Vectors.hexFile("commit.hex");
            b[SUITE_OFFSET_COMMIT - 1] = 0;
            assertThatThrownBy(() -> Commit.decode(b, Suite.V1)).isInstanceOf(DowngradeException.class);
            b[SUITE_OFFSET_COMMIT - 1] = 2;
            assertThatThrownBy(() -> Commit.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("upgrade");
        }

        @Test
        @DisplayName("a commit header is not a commit (labels separate the types)")
        void headerIsNotACommit() {
            assertThatThrownBy(() -> Commit.decode(Vectors.hexFile("commit-header.hex"), Suite.V1))
                    .isInstanceOf(MalformedDataException.class).hasMessageContaining("expected a strongroom/commit");
        }

        @Test
        @DisplayName("hashOfSealed is SHA-256 over label \"strongroom/commit-hash\" v1 || sealed bytes")
        void hashOfSealed() throws Exception {
            byte[] sealed = Raw.seq(77, 3);
            byte[] expected = MessageDigest.getInstance("SHA-256")
                    .digest(Raw.concat(Raw.of().label("strongroom/commit-hash", 1).build(), sealed));
            assertThat(Commit.hashOfSealed(sealed).bytes()).isEqualTo(expected);
        }
    }

    @Nested
    @DisplayName("CommitHeader")
    class Headers {
        @Test
        @DisplayName("known answer: vectors/commit-header.hex equals the layout assembled field by field")
        void knownAnswer() {
            byte[] vector = Vectors.hexFile("commit-header.hex");
            assertThat(vector).isEqualTo(Fixtures.commitHeaderFromFields()).hasSize(CommitHeader.ENCODED_LENGTH);
            assertThat(Fixtures.commitHeader().encode()).isEqualTo(vector);
            assertThat(CommitHeader.decode(vector, Suite.V1)).isEqualTo(Fixtures.commitHeader());
        }

        @Test
        @DisplayName("every single-bit flip of the encoding either throws or decodes to a different header")
        void everyBitFlip() {
            int rejected = Tamper.everyBitFlip(Fixtures.commitHeader().encode(), Fixtures.commitHeader(),
                    b -> CommitHeader.decode(b, Suite.V1), CommitHeader::encode);
            // at least every flip in the label, version and suite, and of the top bit of seq
            assertThat(rejected).isGreaterThanOrEqualTo(8 * (SUITE_OFFSET_HEADER + 1) + 1);
        }

        @Test
        @DisplayName("seq must be at least 1")
        void seq() {
            assertThatThrownBy(() -> new CommitHeader(Suite.V1, Fixtures.ACCOUNT, Fixtures.VAULT, 0, Fixtures.PARENT,
                    Fixtures.COMMIT_HASH, Fixtures.AUTHOR)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("at least 1");
        }

        @Test
        @DisplayName("truncated at every byte and with trailing bytes")
        void truncatedAndTrailing() {
            byte[] full = Fixtures.commitHeader().encode();
            Tamper.everyTruncation(full, b -> CommitHeader.decode(b, Suite.V1));
            Tamper.appended(full, b -> CommitHeader.decode(b, Suite.V1));
        }

        @ParameterizedTest
        @ValueSource(ints = {0, 2, 0x81})
        void unknownSuite(int suite) {
            byte[] b = Fixtures.commitHeader().encode();
            b[SUITE_OFFSET_HEADER] = (byte) suite;
            assertThatThrownBy(() -> CommitHeader.decode(b, Suite.V1)).isInstanceOf(MalformedDataException.class)
                    .hasMessageContaining("unknown cipher suite");
        }

        @Test
        @DisplayName("an older header version is a DowngradeException")
        void downgrade() {
            byte[] b = Fixtures.commitHeader().encode();
            b[SUITE_OFFSET_HEADER - 1] = 0;
            assertThatThrownBy(() -> CommitHeader.decode(b, Suite.V1)).isInstanceOf(DowngradeException.class)
                    .hasMessageContaining("commit header uses format version 0");
        }

        @Test
        @DisplayName("describes() matches exactly the commit with the same suite, account, vault, seq, parent and author")
        void describes() {
            Commit c = Fixtures.commit();
            assertThat(Fixtures.commitHeader().describes(c)).isTrue();
            CommitHeader h = Fixtures.commitHeader();
            List<CommitHeader> others = List.of(
                    new CommitHeader(h.suite(), new AccountId(Raw.seq(32, 2)), h.vault(), h.seq(), h.parent(),
                            h.commitHash(), h.author()),
                    new CommitHeader(h.suite(), h.account(), new VaultId(Raw.seq(16, 2)), h.seq(), h.parent(),
                            h.commitHash(), h.author()),
                    new CommitHeader(h.suite(), h.account(), h.vault(), 3, h.parent(), h.commitHash(), h.author()),
                    new CommitHeader(h.suite(), h.account(), h.vault(), h.seq(), new Digest(Raw.seq(32, 2)),
                            h.commitHash(), h.author()),
                    new CommitHeader(h.suite(), h.account(), h.vault(), h.seq(), h.parent(), h.commitHash(),
                            new DeviceId(Raw.seq(32, 2))));
            assertThat(others).allSatisfy(o -> assertThat(o.describes(c)).isFalse());
        }

        @Test
        @DisplayName("verify accepts the author's signature over exactly this header, in the commit-header domain")
        void verify() {
            TestKeys.Signer author = TestKeys.signer(0);
            CommitHeader h = Fixtures.commitHeader();
            HybridSignature sig = author.sign(SignatureDomain.COMMIT_HEADER, Suite.V1, h.encode());
            assertThatCode(() -> h.verify(author.publicKey(), sig)).doesNotThrowAnyException();

            CommitHeader other = new CommitHeader(h.suite(), h.account(), h.vault(), 3, h.parent(), h.commitHash(),
                    h.author());
            assertThatThrownBy(() -> other.verify(author.publicKey(), sig))
                    .isInstanceOf(SignatureInvalidException.class).hasMessageContaining("strongroom/sig/commit-header");
            assertThatThrownBy(() -> h.verify(TestKeys.signer(1).publicKey(), sig))
                    .isInstanceOf(SignatureInvalidException.class);
            HybridSignature wrongDomain = author.sign(SignatureDomain.VAULT_RECORD, Suite.V1, h.encode());
            assertThatThrownBy(() -> h.verify(author.publicKey(), wrongDomain))
                    .isInstanceOf(SignatureInvalidException.class);
        }
    }
}
