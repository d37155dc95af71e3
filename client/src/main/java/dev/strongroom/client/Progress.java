package dev.strongroom.client;

/**
 * Receives progress of long operations. Called from worker threads; implementations must be
 * thread-safe and cheap. All methods default to doing nothing.
 */
public interface Progress {
    Progress NONE = new Progress() {
    };

    /** Total work, when known up front (files, bytes); -1 if unknown. */
    default void total(long files, long bytes) {
    }

    /** A file was completed ({@code bytes} of it processed). */
    default void fileDone(long bytes) {
    }

    /** Bytes processed within files. */
    default void bytes(long n) {
    }

    /** Something was skipped or could not be done; the operation continues. */
    default void warn(String message) {
    }
}
