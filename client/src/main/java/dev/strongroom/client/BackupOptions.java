package dev.strongroom.client;

/**
 * How to back up.
 *
 * @param message commit message
 * @param compressionLevel zstd level, 0 = store uncompressed
 * @param threads worker threads for sealing (0 = number of processors)
 */
public record BackupOptions(String message, int compressionLevel, int threads) {
    public static final BackupOptions DEFAULT = new BackupOptions("", dev.strongroom.crypto.Compression.DEFAULT_LEVEL, 0);

    public BackupOptions withMessage(String m) {
        return new BackupOptions(m, compressionLevel, threads);
    }

    int effectiveThreads() {
        return threads > 0 ? threads : Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}
