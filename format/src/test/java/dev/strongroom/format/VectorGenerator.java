package dev.strongroom.format;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Prints the contents of the known-answer files under {@code src/test/resources/vectors}. Not a
 * test: run by hand, once, when a format is introduced or deliberately changed:
 *
 * <pre>
 * java -cp format/target/test-classes:format/target/classes dev.strongroom.format.VectorGenerator chunker
 * </pre>
 *
 * Regenerating a vector to make a failing test pass defeats its purpose: a changed vector means
 * existing data no longer reads (or dedups) the same way, which is a format change.
 */
final class VectorGenerator {
    private VectorGenerator() {
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "chunker" -> System.out.print(chunker());
            case "tree" -> System.out.print(hexVector("""
                    # Known-answer vector: Tree.encode() of Fixtures.tree(), hex, wrapped at 32 bytes a line.
                    # label "strongroom/tree" v1 || u32 count=5 || entries sorted by UTF-8 name bytes:
                    #   "docs"      DIR     mode 0755 mtime 1700000000 s + 5 ns    tree 20 21 .. 3f
                    #   "empty"     FILE    mode 0600 mtime 0                      size 0, no chunks
                    #   "hello.txt" FILE    mode 0644 mtime 1700000001 s + 999999999 ns
                    #                       size 12, chunks (40 41 .. 5f, 5) (60 61 .. 7f, 7)
                    #   "link"      SYMLINK mode 0777 mtime -1 s                   target "hello.txt"
                    #   "été.txt"   FILE    mode 0640 mtime 1600000000 s + 1 ns size 1, chunk (80 81 .. 9f, 1)
                    # entry := u16 name_len || name || u8 kind (1 file, 2 dir, 3 symlink) || u32 mode ||
                    #          i64 mtime_s || u32 mtime_ns || body   (see Tree's javadoc)
                    # Checked by TreeTest against the same bytes assembled field by field.
                    """, Fixtures.tree().encode()));
            case "commit" -> System.out.print(hexVector("""
                    # Known-answer vector: Commit.encode() of Fixtures.commit(), hex.
                    # label "strongroom/commit" v1 || suite 1 || account 01..20 || vault 30..3f || seq 2 ||
                    # parent 50..6f || root_tree 70..8f || author 90..af || key_epoch 3 || author_chain_head b0..cf ||
                    # time_ms 1700000000123 || message "second version ✓" (u16 length, UTF-8) || files 42 ||
                    # bytes 123456789. Checked by CommitTest against the same bytes assembled field by field.
                    """, Fixtures.commit().encode()));
            case "commit-header" -> System.out.print(hexVector("""
                    # Known-answer vector: CommitHeader.encode() of Fixtures.commitHeader(), hex.
                    # label "strongroom/commit-header" v1 || suite 1 || account 01..20 || vault 30..3f || seq 2 ||
                    # parent 50..6f || commit_hash d0..ef || author 90..af. These are the bytes the author signs
                    # (in domain strongroom/sig/commit-header). Checked by CommitTest.
                    """, Fixtures.commitHeader().encode()));
            case "pack-header" -> System.out.print(hexVector("""
                    # Known-answer vector: PackHeader.encode(8) of Fixtures.packHeader(), hex.
                    # label "strongroom/pack-header" v1 || suite 1 || vault 30..3f || key_epoch 3 || pack_id 10..2f ||
                    # body_hash e0..ff || n=2 ||
                    #   DATA id 40..5f compression 1 offset 6   sealed 100 plain 80
                    #   TREE id 60..7f compression 0 offset 106 sealed 50  plain 30
                    # || pad_len 8 || 8 zero bytes. Checked by PackHeaderTest.
                    """, Fixtures.packHeader().encode(Fixtures.PACK_HEADER_PAD)));
            case "hybrid-signature" -> System.out.print(hybridSignature());
            case "chain-entry-genesis" -> System.out.print(genesis());
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static String hybridSignature() {
        TestKeys.Signer signer = TestKeys.Signer.generate();
        byte[] message = Fixtures.commitHeader().encode();
        SignatureDomain domain = SignatureDomain.COMMIT_HEADER;
        byte[] signed = domain.signedBytes(Suite.V1, message);
        byte[] sig = signer.signRaw(domain, Suite.V1, message);
        return """
                # Known-answer vector: a Strongroom hybrid signature (Ed25519 + ML-DSA-65), verified by
                # SigningPublicKey.verify in SigningPublicKeyTest.
                #
                #   public-key    ed25519 public key (32) || ML-DSA-65 public key (1952), raw (not DER)
                #   domain        SignatureDomain label; suite is the cipher suite id
                #   message       what the caller signs: here the commit-header known-answer encoding
                #   signed-bytes  SignatureDomain.signedBytes(suite, message) =
                #                 label "strongroom/signature" v1 || u8 suite || u8 len || domain label ||
                #                 u32 len || message. Both algorithms sign exactly these bytes.
                #   signature     ed25519 signature (64) || ML-DSA-65 signature (3309)
                #
                # The JDK's ML-DSA signer is randomised (hedged), so the signature was generated once by
                # VectorGenerator `hybrid-signature` with freshly generated keys and is stored, not re-derived.
                """
                + "\npublic-key: " + Vectors.hex(signer.publicKey().encoded())
                + "\ndomain: " + domain.label()
                + "\nsuite: " + Suite.V1.id()
                + "\nmessage: " + Vectors.hex(message)
                + "\nsigned-bytes: " + Vectors.hex(signed)
                + "\nsignature: " + Vectors.hex(sig) + "\n";
    }

    static String genesis() {
        ChainEntry e = Chains.genesis();
        AccountId account = e.verifyGenesis(null);
        return """
                # Known-answer vector: a genesis device-chain entry (ChainEntry, kind GENESIS), checked by
                # ChainEntryTest: it must decode, re-encode to the same bytes, verify (device and recovery
                # hybrid signatures over the signed body, domain strongroom/sig/chain-entry) and hash to
                # account-id = SHA-256(label "strongroom/chain-entry-hash" v1 || entry).
                #
                #   entry := u32 body_len || body || u8 n || n x (u8 role || signature[3373])
                #   body  := label "strongroom/chain-entry" v1 || u8 suite || u64 index || prev[32] ||
                #            i64 time_ms || u8 kind=1 || u8 min_suite || identity device ||
                #            identity sharing || identity recovery || u32 ark_epoch || ark_commitment[32]
                #   identity := signing_pk[1984] || kem_pk[1216]
                #
                # Keys were generated once with the JDK (Ed25519, ML-DSA-65); the KEM keys are arbitrary
                # bytes (format-level test, no X-Wing check). Generated by VectorGenerator
                # `chain-entry-genesis`. The signatures are randomised, so they are stored, not re-derived.
                """
                + "\ntime-ms: " + e.timeMillis()
                + "\nark-epoch: 1"
                + "\nark-commitment: " + Chains.ARK_COMMITMENT.hex()
                + "\ndevice-id: " + Chains.device().deviceId().hex()
                + "\ndevice-signing-key: " + Vectors.hex(Chains.device().signing().encoded())
                + "\nrecovery-signing-key: " + Vectors.hex(Chains.recovery().signing().encoded())
                + "\naccount-id: " + account.hex()
                + "\nentry: " + Vectors.hex(e.encode()) + "\n";
    }

    private static String hexVector(String header, byte[] encoding) {
        return header + Vectors.wrap(encoding);
    }

    static String chunker() {
        StringBuilder sb = new StringBuilder();
        sb.append("""
                # Strongroom chunker known-answer vectors: keyed FastCDC (Chunker.keyed + Chunker.cut).
                #
                # What is fixed here is where the chunker cuts a given input under a given key, so any
                # change to the gear-table derivation (HMAC-SHA256(key, label "strongroom/gear" v1 || u32 i)),
                # the normalised-chunking masks, the min/avg/max logic or the 64-byte window priming is
                # noticed. Such a change is a format change: existing vaults would chunk differently and
                # stop deduplicating against new backups.
                #
                # Fields, per vector (prefix "small." or "default."):
                #   key           the 32-byte chunker key, hex (here bytes 00 01 02 .. 1f)
                #   params        ChunkerParams min avg max, in bytes
                #   length        input length in bytes
                #   input-sha256  SHA-256 of the whole input (checks the input generator, not the chunker)
                #   cuts          chunk lengths in order, from repeated Chunker.cut(input, off, remaining)
                #
                # Input: a SHA-256 counter stream. Block i (i = 0, 1, 2, ...) is SHA-256(u64 big-endian i);
                # the 32-byte blocks are concatenated and the result cut to `length` bytes.
                #
                # Generated once by VectorGenerator (src/test/java), `chunker`; checked by ChunkerTest.
                """);
        append(sb, "small", ChunkerTest.SMALL, 1 << 20);
        append(sb, "default", ChunkerParams.DEFAULT, 24 << 20);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String prefix, ChunkerParams p, int length) {
        byte[] key = Raw.seq(32, 0);
        byte[] input = TestData.sha256Stream(length);
        List<Integer> cuts = TestData.cuts(Chunker.keyed(key, p), input);
        sb.append('\n');
        sb.append(prefix).append(".key: ").append(HexFormat.of().formatHex(key)).append('\n');
        sb.append(prefix).append(".params: ").append(p.min()).append(' ').append(p.avg()).append(' ').append(p.max())
                .append('\n');
        sb.append(prefix).append(".length: ").append(length).append('\n');
        sb.append(prefix).append(".input-sha256: ").append(HexFormat.of().formatHex(Sha256.hash(input))).append('\n');
        sb.append(prefix).append(".cuts: ")
                .append(cuts.stream().map(String::valueOf).collect(Collectors.joining(" "))).append('\n');
    }
}
