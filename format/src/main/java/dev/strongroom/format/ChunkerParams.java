package dev.strongroom.format;

/**
 * FastCDC size parameters. Defaults follow DESIGN.md §5: 512 KiB min, 1 MiB average,
 * 8 MiB max. {@code avg} must be a power of two; {@code min < avg < max}.
 */
public record ChunkerParams(int min, int avg, int max) {
    public static final ChunkerParams DEFAULT = new ChunkerParams(512 * 1024, 1024 * 1024, 8 * 1024 * 1024);

    public ChunkerParams {
        if (min < 64 || !(min < avg && avg < max) || Integer.bitCount(avg) != 1 || max > 64 * 1024 * 1024) {
            throw new IllegalArgumentException("chunker sizes must satisfy 64 <= min < avg < max <= 64 MiB, avg a power of two");
        }
    }

    int avgBits() {
        return Integer.numberOfTrailingZeros(avg);
    }
}
