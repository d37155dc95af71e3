package dev.strongroom.translog;

import dev.strongroom.format.MalformedDataException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A log checkpoint (c2sp.org/tlog-checkpoint): the note text
 * <pre>
 * &lt;origin&gt;
 * &lt;tree size, decimal, no leading zeroes&gt;
 * &lt;root hash, base64&gt;
 * [extension lines]
 * </pre>
 * each line ending in a newline. Signed as a note ({@link #sign}); read with
 * {@link CheckpointVerifier}, never with {@link #parse} alone, since an unsigned checkpoint
 * means nothing.
 *
 * @param origin     the log's identity, non-empty (by convention a schema-less URL)
 * @param size       the number of leaves
 * @param root       the RFC 6962 root hash of those leaves
 * @param extensions optional extra lines, each non-empty (NOT RECOMMENDED by the spec, and not
 *                   covered by ML-DSA-44 cosignatures)
 */
public record Checkpoint(String origin, long size, Hash root, List<String> extensions) {
    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(root, "root");
        extensions = List.copyOf(extensions);
        checkLine(origin, "checkpoint origin");
        if (size < 0) {
            throw new MalformedDataException("checkpoint tree size is negative");
        }
        for (String e : extensions) {
            checkLine(e, "checkpoint extension line");
        }
    }

    /** A checkpoint without extension lines. */
    public Checkpoint(String origin, long size, Hash root) {
        this(origin, size, root, List.of());
    }

    private static void checkLine(String line, String what) {
        if (line.isEmpty()) {
            throw new MalformedDataException(what + " is empty");
        }
        if (line.indexOf('\n') >= 0 || Text.hasControl(line)) {
            throw new MalformedDataException(what + " contains a newline or control character");
        }
        Text.utf8(line, what);
    }

    /**
     * Parses a checkpoint note text (as from {@link Note#text()}).
     *
     * @throws MalformedDataException unless it has at least three lines, every line non-empty
     *                                and ending in a newline, a canonical size and a canonical
     *                                base64 32-byte root
     */
    public static Checkpoint parse(String text) {
        if (!text.endsWith("\n")) {
            throw new MalformedDataException("checkpoint does not end in a newline");
        }
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new MalformedDataException("checkpoint has fewer than three lines");
        }
        long size = Text.decimal(lines[1], "checkpoint tree size");
        Hash root = Hash.fromBase64(lines[2]);
        List<String> ext = new ArrayList<>();
        for (int i = 3; i < lines.length; i++) {
            ext.add(lines[i]);
        }
        return new Checkpoint(lines[0], size, root, ext);
    }

    /** Parses a checkpoint note text from UTF-8 bytes. */
    public static Checkpoint parse(byte[] text) {
        return parse(Text.utf8(text, "checkpoint"));
    }

    /** The note text: origin, size, root and extension lines, each ending in a newline. */
    public String text() {
        StringBuilder sb = new StringBuilder();
        sb.append(origin).append('\n').append(size).append('\n').append(root.base64()).append('\n');
        for (String e : extensions) {
            sb.append(e).append('\n');
        }
        return sb.toString();
    }

    /** Signs the checkpoint; the log's key name SHOULD equal the origin. */
    public Note sign(NoteSigner... signers) {
        return Note.sign(text(), signers);
    }

    /** Whether this is the empty tree's checkpoint with the right root. */
    boolean isValidEmpty() {
        return size == 0 && root.equals(Merkle.emptyRoot());
    }
}
