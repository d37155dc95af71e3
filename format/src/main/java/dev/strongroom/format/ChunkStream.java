package dev.strongroom.format;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits an input stream into chunks with a {@link Chunker}. Holds one buffer of
 * {@code max + 1 MiB} bytes; each returned chunk is a fresh array the caller owns.
 */
public final class ChunkStream {
    private static final int READ_SLICE = 1 << 20;
    private final Chunker chunker;
    private final InputStream in;
    private byte[] buf;
    private int start;
    private int end;
    private boolean eof;

    public ChunkStream(Chunker chunker, InputStream in) {
        this(chunker, in, (int) Math.min(Integer.MAX_VALUE - 16L, chunker.params().max() + (1L << 20)));
    }

    /**
     * With an initial buffer of {@code bufferSize} bytes, e.g. sized to a small file; the buffer
     * grows to {@code max + 1 MiB} if the input turns out to be longer.
     */
    public ChunkStream(Chunker chunker, InputStream in, int bufferSize) {
        this.chunker = chunker;
        this.in = in;
        this.buf = new byte[Math.max(bufferSize, 1)];
    }

    /** The next chunk, or {@code null} at the end of the input. */
    public byte[] next() throws IOException {
        int max = chunker.params().max();
        if (end - start < max && !eof) {
            fill(max);
        }
        int avail = end - start;
        if (avail == 0) {
            return null;
        }
        int n = chunker.cut(buf, start, avail);
        byte[] chunk = Arrays.copyOfRange(buf, start, start + n);
        start += n;
        return chunk;
    }

    private void fill(int max) throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end < max && !eof) {
            if (end == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(Integer.MAX_VALUE - 16L, max + (1L << 20)));
            }
            // at most 1 MiB per call: the JDK copies a file read through a temporary direct
            // buffer of the requested size and keeps it per thread, so 8 MiB requests would
            // pin 8 MiB of native memory in every reader thread
            int r = in.read(buf, end, Math.min(buf.length - end, READ_SLICE));
            if (r < 0) {
                eof = true;
            } else {
                end += r;
            }
        }
    }
}
