package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A verified witness cosignature on a checkpoint (c2sp.org/tlog-cosignature), and the two
 * signed-message formats.
 *
 * <p>A cosignature line is a note signature whose bytes are a {@code timestamped_signature}:
 * a big-endian u64 POSIX timestamp followed by the Ed25519 (64-byte) or ML-DSA-44 (2420-byte)
 * signature.
 *
 * @param cosigner  the witness's verifier key
 * @param timestamp when the witness cosigned, in POSIX seconds (0: no freshness statement)
 * @param line      the signature line
 */
public record Cosignature(VerifierKey cosigner, long timestamp, NoteSignature line) {
    /** {@code "subtree/v1\n\0"}, the 12-byte label of an ML-DSA-44 cosigned_message. */
    static final byte[] SUBTREE_LABEL = "subtree/v1\n\0".getBytes(StandardCharsets.US_ASCII);

    /** When the witness cosigned. */
    public Instant time() {
        return Instant.ofEpochSecond(timestamp);
    }

    /**
     * The ML-DSA-44 signed message (tlog-cosignature "ML-DSA-44 signed message"):
     * <pre>
     * struct {
     *     uint8 label[12] = "subtree/v1\n\0";
     *     opaque cosigner_name&lt;1..2^8-1&gt;;
     *     uint64 timestamp;
     *     opaque log_origin&lt;1..2^8-1&gt;;
     *     uint64 start;
     *     uint64 end;
     *     uint8 hash[32];
     * } cosigned_message;
     * </pre>
     * For a checkpoint, {@code start = 0} and {@code end} is the tree size. A non-zero start
     * requires a zero timestamp.
     */
    public static byte[] subtreeMessage(String cosignerName, long timestamp, String origin, long start, long end, Hash hash) {
        byte[] name = cosignerName.getBytes(StandardCharsets.UTF_8);
        byte[] org = origin.getBytes(StandardCharsets.UTF_8);
        if (name.length < 1 || name.length > 255 || org.length < 1 || org.length > 255) {
            throw new MalformedDataException("cosigner name and log origin must be 1 to 255 bytes for an ML-DSA-44 cosignature");
        }
        if (timestamp < 0 || start < 0 || end < start) {
            throw new MalformedDataException("invalid subtree cosignature fields");
        }
        if (start != 0 && timestamp != 0) {
            throw new MalformedDataException("a subtree cosignature with a non-zero start has timestamp 0");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SUBTREE_LABEL);
        out.write(name.length);
        out.writeBytes(name);
        out.writeBytes(u64(timestamp));
        out.write(org.length);
        out.writeBytes(org);
        out.writeBytes(u64(start));
        out.writeBytes(u64(end));
        out.writeBytes(hash.bytes());
        return out.toByteArray();
    }

    /**
     * The Ed25519 signed message (tlog-cosignature "Ed25519 signed message"):
     * {@code "cosignature/v1\ntime <timestamp>\n"} followed by the whole checkpoint text.
     */
    public static byte[] ed25519Message(long timestamp, String checkpointText) {
        if (timestamp < 0) {
            throw new MalformedDataException("negative cosignature timestamp");
        }
        return ("cosignature/v1\ntime " + timestamp + "\n" + checkpointText).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The timestamp of a cosignature line (its first 8 bytes).
     *
     * @throws MalformedDataException if the line is too short or the timestamp exceeds 2^63-1
     */
    public static long timestampOf(NoteSignature line) {
        byte[] s = line.signature();
        if (s.length < 8) {
            throw new MalformedDataException("cosignature is shorter than its timestamp");
        }
        long t = Text.u64(s, 0);
        if (t < 0) {
            throw new MalformedDataException("cosignature timestamp exceeds 2^63-1");
        }
        return t;
    }

    private static byte[] u64(long v) {
        byte[] b = new byte[8];
        Text.putU64(b, 0, v);
        return b;
    }
}
