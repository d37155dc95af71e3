package dev.strongroom.translog;

import dev.strongroom.format.InvalidInputException;
import dev.strongroom.format.MalformedDataException;
import dev.strongroom.format.SignatureInvalidException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A signed note (c2sp.org/signed-note): a UTF-8 text ending in a newline, an empty line, and
 * one or more signature lines {@code — <key name> base64(key ID || signature)}.
 *
 * <p>Parsing is strict: valid UTF-8, no ASCII control character other than newline, the text
 * separated from the signatures by the last empty line, every following line a well-formed
 * signature line (canonical base64 of at least 5 bytes, a valid key name), at most
 * {@value #MAX_SIGNATURES} signatures and {@value #MAX_SIZE} bytes in all (the spec requires
 * accepting at least 16 signatures; ML-DSA-44 cosignature lines are about 3.3 kB).
 *
 * <p>The text must be ignored until {@link #verify} has succeeded.
 */
public final class Note {
    /** Largest encoded note accepted. */
    public static final int MAX_SIZE = 1 << 20;
    /** Most signature lines accepted. */
    public static final int MAX_SIGNATURES = 100;

    private final String text;
    private final List<NoteSignature> signatures;

    private Note(String text, List<NoteSignature> signatures) {
        this.text = text;
        this.signatures = List.copyOf(signatures);
    }

    /**
     * Signs {@code text} with each signer.
     *
     * @throws MalformedDataException if the text is not a valid note text (must end in a
     *                                newline; no control characters but newline)
     */
    public static Note sign(String text, List<? extends NoteSigner> signers) {
        checkText(text);
        byte[] t = Text.utf8(text, "note text");
        List<NoteSignature> sigs = new ArrayList<>();
        for (NoteSigner s : signers) {
            if (!Text.isValidKeyName(s.name())) {
                throw new InvalidInputException("invalid signer key name");
            }
            sigs.add(new NoteSignature(s.name(), s.keyId(), s.sign(t)));
        }
        if (sigs.isEmpty()) {
            throw new IllegalArgumentException("a signed note needs at least one signer");
        }
        return checked(new Note(text, sigs));
    }

    /** Signs {@code text} with each signer. */
    public static Note sign(String text, NoteSigner... signers) {
        return sign(text, List.of(signers));
    }

    /**
     * Assembles a note from a text and signature lines, without verifying anything (e.g. a
     * checkpoint and the cosignature lines a witness returned).
     *
     * @throws MalformedDataException if the text is not a valid note text, there is no
     *                                signature, or the limits are exceeded
     */
    public static Note of(String text, List<NoteSignature> signatures) {
        checkText(text);
        if (signatures.isEmpty()) {
            throw new MalformedDataException("a signed note needs at least one signature");
        }
        return checked(new Note(text, new ArrayList<>(new LinkedHashSet<>(signatures))));
    }

    /**
     * This note with {@code more} signature lines appended (lines already present are not
     * repeated). Used to add cosignatures to a checkpoint.
     */
    public Note withSignatures(Collection<NoteSignature> more) {
        LinkedHashSet<NoteSignature> all = new LinkedHashSet<>(signatures);
        all.addAll(more);
        return checked(new Note(text, new ArrayList<>(all)));
    }

    /**
     * Parses a signed note without verifying it.
     *
     * @throws MalformedDataException if it is not a well-formed signed note
     */
    public static Note parse(byte[] message) {
        if (message.length > MAX_SIZE) {
            throw new MalformedDataException("signed note is larger than " + MAX_SIZE + " bytes");
        }
        String s = Text.utf8(message, "signed note");
        if (Text.hasControl(s)) {
            throw new MalformedDataException("signed note contains a control character");
        }
        int split = s.lastIndexOf("\n\n");
        if (split < 0) {
            throw new MalformedDataException("signed note has no empty line before its signatures");
        }
        String text = s.substring(0, split + 1);
        String block = s.substring(split + 2);
        if (block.isEmpty() || !block.endsWith("\n")) {
            throw new MalformedDataException("signed note has no signatures or does not end in a newline");
        }
        List<NoteSignature> sigs = new ArrayList<>();
        int pos = 0;
        while (pos < block.length()) {
            int nl = block.indexOf('\n', pos);
            if (sigs.size() == MAX_SIGNATURES) {
                throw new MalformedDataException("signed note has more than " + MAX_SIGNATURES + " signatures");
            }
            sigs.add(NoteSignature.parseLine(block.substring(pos, nl)));
            pos = nl + 1;
        }
        return new Note(text, sigs);
    }

    /** Parses a signed note from a string. */
    public static Note parse(String message) {
        return parse(Text.utf8(message, "signed note"));
    }

    /**
     * Parses and verifies a signed note; see {@link #verify}.
     */
    public static VerifiedNote open(byte[] message, Collection<? extends NoteVerifier> known) {
        return parse(message).verify(known);
    }

    /**
     * Verifies the signatures by known keys (c2sp.org/signed-note "Signatures"): a line whose
     * key name and ID both match a known key is verified; lines by unknown keys are ignored,
     * even if they share the name or the ID with a known key. The note is rejected if any
     * line by a known key fails to verify, or if no line by a known key is present.
     *
     * @param known the trusted keys; two different verifiers with the same name and ID are
     *              ambiguous and refused
     * @throws SignatureInvalidException if the note is rejected
     */
    public VerifiedNote verify(Collection<? extends NoteVerifier> known) {
        Map<String, NoteVerifier> byKey = new HashMap<>();
        for (NoteVerifier v : known) {
            NoteVerifier prev = byKey.putIfAbsent(v.name() + "+" + Text.hex32(v.keyId()), v);
            if (prev != null && prev != v) {
                throw new InvalidInputException("ambiguous key " + v.name() + "+" + Text.hex32(v.keyId()));
            }
        }
        byte[] t = Text.utf8(text, "note text");
        List<NoteSignature> verified = new ArrayList<>();
        List<NoteSignature> unverified = new ArrayList<>();
        for (NoteSignature s : new LinkedHashSet<>(signatures)) {
            NoteVerifier v = byKey.get(s.keyName() + "+" + Text.hex32(s.keyId()));
            if (v == null) {
                unverified.add(s);
            } else if (v.verify(t, s.signature())) {
                verified.add(s);
            } else {
                throw new SignatureInvalidException("invalid signature for key " + s.keyName() + "+"
                        + Text.hex32(s.keyId()) + ": the note is rejected");
            }
        }
        if (verified.isEmpty()) {
            throw new SignatureInvalidException("note has no verifiable signature from a trusted key");
        }
        return new VerifiedNote(this, verified, unverified);
    }

    /** The text, including its final newline. Meaningless until verified. */
    public String text() {
        return text;
    }

    /** The text's UTF-8 bytes: what the signatures sign. */
    public byte[] textBytes() {
        return Text.utf8(text, "note text");
    }

    /** The signature lines in order. */
    public List<NoteSignature> signatures() {
        return signatures;
    }

    /** The encoded note: text, empty line, signature lines. */
    public byte[] encode() {
        return Text.utf8(toString(), "signed note");
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(text).append('\n');
        for (NoteSignature s : signatures) {
            sb.append(s.line());
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Note n && n.text.equals(text) && n.signatures.equals(signatures);
    }

    @Override
    public int hashCode() {
        return Objects.hash(text, signatures);
    }

    static void checkText(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.endsWith("\n")) {
            throw new MalformedDataException("a note text must end in a newline");
        }
        if (Text.hasControl(text)) {
            throw new MalformedDataException("a note text must not contain control characters other than newline");
        }
        Text.utf8(text, "note text");
    }

    private static Note checked(Note n) {
        if (n.signatures.size() > MAX_SIGNATURES) {
            throw new MalformedDataException("a note holds at most " + MAX_SIGNATURES + " signatures");
        }
        if (n.encode().length > MAX_SIZE) {
            throw new MalformedDataException("signed note would be larger than " + MAX_SIZE + " bytes");
        }
        // The encoding must read back as the same note (e.g. a text with no empty line problem).
        if (!Arrays.equals(parse(n.encode()).encode(), n.encode())) {
            throw new IllegalStateException("note does not round-trip");
        }
        return n;
    }
}
