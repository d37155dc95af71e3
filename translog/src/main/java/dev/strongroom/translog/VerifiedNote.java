package dev.strongroom.translog;

import java.util.List;

/**
 * A note whose signatures were checked ({@link Note#verify}): {@code verified} holds the lines
 * by known keys (all valid, at least one), {@code unverified} those by keys the caller did not
 * know, which mean nothing.
 */
public record VerifiedNote(Note note, List<NoteSignature> verified, List<NoteSignature> unverified) {
    public VerifiedNote {
        verified = List.copyOf(verified);
        unverified = List.copyOf(unverified);
    }

    /** The note text, which the verified signatures cover. */
    public String text() {
        return note.text();
    }
}
