package dev.strongroom.client;

import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.PackLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Spreads blobs at random over {@link #OPEN} open packs, so the order of chunks within a
 * file is not the order in any pack, and hands each pack to {@code sink} once it reaches
 * the target size. Thread-safe; {@code sink} may block (that is the pipeline's backpressure).
 */
final class Packer {
    static final int OPEN = 2;
    private final VaultKey key;
    private final Consumer<PackWriter.Finished> sink;
    private final long target;
    private final List<PackWriter> open = new ArrayList<>();

    Packer(VaultKey key, Consumer<PackWriter.Finished> sink) {
        this(key, sink, PackLayout.TARGET_SIZE);
    }

    Packer(VaultKey key, Consumer<PackWriter.Finished> sink, long target) {
        this.key = key;
        this.sink = sink;
        this.target = target;
        for (int i = 0; i < OPEN; i++) {
            open.add(new PackWriter(key));
        }
    }

    void add(SealedBlob blob) {
        PackWriter full = null;
        synchronized (this) {
            int i = ThreadLocalRandom.current().nextInt(open.size());
            PackWriter w = open.get(i);
            w.add(blob);
            if (w.size() >= target) {
                full = w;
                open.set(i, new PackWriter(key));
            }
        }
        if (full != null) {
            sink.accept(full.finish());
        }
    }

    /** Finishes every non-empty open pack. */
    void flush() {
        List<PackWriter> done = new ArrayList<>();
        synchronized (this) {
            for (int i = 0; i < open.size(); i++) {
                if (!open.get(i).isEmpty()) {
                    done.add(open.get(i));
                    open.set(i, new PackWriter(key));
                }
            }
        }
        for (PackWriter w : done) {
            sink.accept(w.finish());
        }
    }
}
