package dev.strongroom.client;

import dev.strongroom.crypto.SealedBlob;
import dev.strongroom.crypto.VaultKey;
import dev.strongroom.format.ChunkStream;
import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PackId;
import dev.strongroom.format.Tree;
import dev.strongroom.format.UnsafePathException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The backup pipeline: read -> chunk -> MAC -> dedup -> compress -> seal -> pack -> upload,
 * in parallel with bounded memory.
 *
 * <ul>
 *   <li>The walker (calling thread) lists folders in name order and builds a node per entry;
 *       a file whose size, mtime and mode equal the parent version's entry reuses its chunk
 *       list without being read.</li>
 *   <li>Reader threads chunk files (FastCDC) and hand each chunk to sealer threads; a
 *       semaphore bounds the chunk bytes in flight.</li>
 *   <li>Sealers compute the chunk id, skip chunks the vault already has, compress, seal, check
 *       the result and add it to the {@link Packer}.</li>
 *   <li>Full packs go to a bounded upload queue served by uploader threads; when it is full,
 *       sealing waits.</li>
 * </ul>
 * Trees are built bottom-up once their files are done and are stored like chunks.
 */
final class Backup implements AutoCloseable {
    private static final int READERS = 2;
    private static final int UPLOADERS = 2;
    private static final long IN_FLIGHT_BYTES = 32L << 20;

    private final Remote remote;
    private final VaultKey key;
    private final Index index;
    private final BackupOptions options;
    private final Progress progress;
    private final Function<ObjectId, Optional<Tree>> parentTrees;
    private final ExecutorService readers;
    private final ExecutorService sealers;
    private final ExecutorService uploaders;
    private final BlockingQueue<PackWriter.Finished> uploadQueue = new ArrayBlockingQueue<>(1);
    private final Packer packer;
    private final Semaphore inFlight = new Semaphore((int) (IN_FLIGHT_BYTES >> 10));
    private final Set<ObjectId> pending = ConcurrentHashMap.newKeySet();
    private final List<PackId> uploaded = Collections.synchronizedList(new ArrayList<>());
    private final List<Future<?>> uploadTasks = new ArrayList<>();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final Map<ObjectId, byte[]> newTrees = new ConcurrentHashMap<>();
    final AtomicLong files = new AtomicLong();
    final AtomicLong bytes = new AtomicLong();
    final AtomicLong newBytes = new AtomicLong();
    final AtomicLong warnings = new AtomicLong();
    /** Bytes of the files handed to readers so far (decides when the JIT warm-up pays off). */
    private final AtomicLong toRead = new AtomicLong();

    Backup(Remote remote, VaultKey key, Index index, BackupOptions options, Progress progress,
           Function<ObjectId, Optional<Tree>> parentTrees) {
        this.remote = remote;
        this.key = key;
        this.index = index;
        this.options = options;
        this.progress = progress;
        this.parentTrees = parentTrees;
        this.readers = Executors.newFixedThreadPool(READERS, daemon("sr-read"));
        this.sealers = Executors.newFixedThreadPool(options.effectiveThreads(), daemon("sr-seal"));
        this.uploaders = Executors.newFixedThreadPool(UPLOADERS, daemon("sr-upload"));
        this.packer = new Packer(key, this::enqueue);
        for (int i = 0; i < UPLOADERS; i++) {
            uploadTasks.add(uploaders.submit(this::uploadLoop));
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    // ---------------------------------------------------------------- walking

    private sealed interface Node permits FileNode, DirNode, LinkNode {
        String name();
    }

    private record FileNode(String name, int mode, FileTime mtime, CompletableFuture<List<Tree.ChunkRef>> chunks)
            implements Node {
    }

    private record DirNode(String name, int mode, FileTime mtime, List<Node> children) implements Node {
    }

    private record LinkNode(String name, int mode, FileTime mtime, String target) implements Node {
    }

    /** Backs up the contents of {@code dir}; returns the root tree id once every object is uploaded. */
    ObjectId run(Path dir, Optional<ObjectId> parentRoot) {
        DirNode root = walk(dir, "", parentRoot.flatMap(parentTrees));
        ObjectId rootId = storeTree(root);
        packer.flush();
        finishUploads();
        return rootId;
    }

    List<PackId> uploadedPacks() {
        return List.copyOf(uploaded);
    }

    Map<ObjectId, byte[]> newTrees() {
        return newTrees;
    }

    private DirNode walk(Path dir, String name, Optional<Tree> parent) {
        Map<String, Tree.Entry> old = new java.util.HashMap<>();
        parent.ifPresent(t -> t.entries().forEach(e -> old.put(e.name(), e)));
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            ds.forEach(children::add);
        } catch (IOException e) {
            warn("cannot list a folder (" + e.getClass().getSimpleName() + "): " + dir);
        }
        children.sort((a, b) -> Arrays.compareUnsigned(utf8(a), utf8(b)));
        List<Node> nodes = new ArrayList<>(children.size());
        java.util.Set<String> normalized = new java.util.HashSet<>();
        for (Path p : children) {
            String n = p.getFileName().toString();
            if (!normalized.add(java.text.Normalizer.normalize(n, java.text.Normalizer.Form.NFC))) {
                warn("skipping a name that is the same text, in another Unicode form, as a name beside it: " + p);
                continue;
            }
            try {
                Tree.checkName(n);
            } catch (UnsafePathException e) {
                warn("skipping a name Strongroom cannot store: " + p);
                continue;
            }
            if (n.contains("\uFFFD")) {
                warn("skipping a name that is not valid UTF-8: " + p);
                continue;
            }
            Map<String, Object> a;
            try {
                a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime,isRegularFile,isDirectory,isSymbolicLink",
                        LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                warn("cannot read attributes (" + e.getClass().getSimpleName() + "): " + p);
                continue;
            }
            int mode = ((Integer) a.get("mode")) & 07777;
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            if ((Boolean) a.get("isSymbolicLink")) {
                try {
                    nodes.add(new LinkNode(n, mode, mtime, Files.readSymbolicLink(p).toString()));
                } catch (IOException e) {
                    warn("cannot read a symlink: " + p);
                }
            } else if ((Boolean) a.get("isDirectory")) {
                Optional<Tree> sub = Optional.empty();
                if (old.get(n) instanceof Tree.DirEntry d) {
                    sub = parentTrees.apply(d.tree());
                }
                nodes.add(walk(p, n, sub));
                // the folder's own metadata is read after its contents were listed
            } else if ((Boolean) a.get("isRegularFile")) {
                long size = (Long) a.get("size");
                CompletableFuture<List<Tree.ChunkRef>> f;
                if (old.get(n) instanceof Tree.FileEntry fe && fe.size() == size && fe.mode() == mode
                        && sameTime(fe, mtime) && fe.chunks().stream().allMatch(c -> index.contains(c.id()))) {
                    f = CompletableFuture.completedFuture(fe.chunks());
                    files.incrementAndGet();
                    bytes.addAndGet(size);
                    progress.fileDone(size);
                } else {
                    f = new CompletableFuture<>();
                    CompletableFuture<List<Tree.ChunkRef>> target = f;
                    if (toRead.addAndGet(size) > dev.strongroom.format.Warmup.WORTH_IT_BYTES) {
                        dev.strongroom.format.Warmup.start();
                    }
                    readers.execute(() -> readFile(p, size, target));
                }
                nodes.add(new FileNode(n, mode, mtime, f));
            } else {
                warn("skipping a special file (device, socket or pipe): " + p);
            }
        }
        int mode = 0755;
        FileTime mtime = FileTime.fromMillis(0);
        try {
            Map<String, Object> a = Files.readAttributes(dir, "unix:mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
            mode = ((Integer) a.get("mode")) & 07777;
            mtime = (FileTime) a.get("lastModifiedTime");
        } catch (IOException e) {
            warn("cannot read attributes of a folder: " + dir);
        }
        return new DirNode(name, mode, mtime, nodes);
    }

    private static byte[] utf8(Path p) {
        return p.getFileName().toString().getBytes(StandardCharsets.UTF_8);
    }

    private static boolean sameTime(Tree.Entry e, FileTime t) {
        var i = t.toInstant();
        return e.mtimeSeconds() == i.getEpochSecond() && e.mtimeNanos() == i.getNano();
    }

    private void warn(String m) {
        warnings.incrementAndGet();
        progress.warn(m);
    }

    // ---------------------------------------------------------------- files

    private void readFile(Path p, long statSize, CompletableFuture<List<Tree.ChunkRef>> result) {
        List<CompletableFuture<Tree.ChunkRef>> parts = new ArrayList<>();
        long total = 0;
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            int initial = (int) Math.min(Math.max(statSize + 1, 4096), key.chunker().params().max() + (1 << 20));
            ChunkStream cs = new ChunkStream(key.chunker(), in, initial);
            byte[] chunk;
            while ((chunk = cs.next()) != null) {
                checkFailure();
                int permits = Math.max(1, chunk.length >> 10);
                inFlight.acquireUninterruptibly(permits);
                byte[] c = chunk;
                total += c.length;
                parts.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return sealChunk(c);
                    } finally {
                        inFlight.release(permits);
                    }
                }, sealers));
            }
        } catch (IOException e) {
            // the file vanished or is unreadable: leave it out of this version
            warn("cannot read a file (" + e.getClass().getSimpleName() + "): " + p);
            result.complete(null);
            return;
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
            return;
        }
        long size = total;
        CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> {
            if (err != null) {
                result.completeExceptionally(err);
                return;
            }
            List<Tree.ChunkRef> refs = new ArrayList<>(parts.size());
            parts.forEach(f -> refs.add(f.join()));
            files.incrementAndGet();
            bytes.addAndGet(size);
            progress.fileDone(size);
            result.complete(refs);
        });
    }

    private Tree.ChunkRef sealChunk(byte[] chunk) {
        ObjectId id = key.objectId(ObjectType.DATA, chunk);
        storeIfNew(ObjectType.DATA, id, chunk);
        progress.bytes(chunk.length);
        return new Tree.ChunkRef(id, chunk.length);
    }

    private void storeIfNew(ObjectType type, ObjectId id, byte[] plain) {
        if (index.contains(id) || !pending.add(id)) {
            return;
        }
        SealedBlob blob = key.seal(type, id, plain, options.compressionLevel());
        newBytes.addAndGet(blob.sealedLength());
        packer.add(blob);
    }

    // ---------------------------------------------------------------- trees

    private ObjectId storeTree(DirNode dir) {
        List<Tree.Entry> entries = new ArrayList<>(dir.children().size());
        for (Node n : dir.children()) {
            switch (n) {
                case FileNode f -> {
                    List<Tree.ChunkRef> chunks = join(f.chunks());
                    if (chunks == null) {
                        continue; // unreadable, warned
                    }
                    long size = chunks.stream().mapToLong(Tree.ChunkRef::length).sum();
                    var t = f.mtime().toInstant();
                    entries.add(new Tree.FileEntry(f.name(), f.mode(), t.getEpochSecond(), t.getNano(), size, chunks));
                }
                case DirNode d -> {
                    ObjectId sub = storeTree(d);
                    var t = d.mtime().toInstant();
                    entries.add(new Tree.DirEntry(d.name(), d.mode(), t.getEpochSecond(), t.getNano(), sub));
                }
                case LinkNode l -> {
                    var t = l.mtime().toInstant();
                    entries.add(new Tree.SymlinkEntry(l.name(), l.mode(), t.getEpochSecond(), t.getNano(), l.target()));
                }
            }
        }
        byte[] encoded = Tree.of(entries).encode();
        ObjectId id = key.objectId(ObjectType.TREE, encoded);
        newTrees.put(id, encoded);
        storeIfNew(ObjectType.TREE, id, encoded);
        return id;
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new OperationFailedException("backup failed: " + e.getCause(), e.getCause());
        }
    }

    // ---------------------------------------------------------------- uploads

    private static final PackWriter.Finished POISON =
            new PackWriter.Finished(null, 0, Remote.PackBody.of(List.of()), List.of());

    private void enqueue(PackWriter.Finished p) {
        checkFailure();
        try {
            while (!uploadQueue.offer(p, 200, TimeUnit.MILLISECONDS)) {
                checkFailure();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
    }

    private void checkFailure() {
        RuntimeException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    /**
     * Uploads packs until the stop marker. After a failure it keeps draining the queue (dropping
     * packs) so that producers and {@link #finishUploads()} never block on a full queue.
     */
    private void uploadLoop() {
        while (true) {
            PackWriter.Finished p;
            try {
                p = uploadQueue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (p == POISON) {
                return;
            }
            if (failure.get() != null) {
                continue;
            }
            try {
                upload(p);
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
            }
        }
    }

    private void upload(PackWriter.Finished p) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 4; attempt++) {
            try {
                remote.putPack(key.vault(), p.id(), p.body());
                index.addPack(p.id(), p.body().length(), p.keyEpoch(), p.entries());
                uploaded.add(p.id());
                return;
            } catch (dev.strongroom.format.UnreachableException | OperationFailedException e) {
                last = e;
                sleep(250L << attempt);
            }
        }
        throw last;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finishUploads() {
        try {
            for (int i = 0; i < UPLOADERS; i++) {
                uploadQueue.put(POISON); // uploaders always drain, so this cannot wait forever
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
        }
        for (Future<?> f : uploadTasks) {
            try {
                f.get();
            } catch (Exception e) {
                throw new OperationFailedException("upload failed: " + e.getMessage(), e);
            }
        }
        checkFailure();
    }

    @Override
    public void close() {
        readers.shutdownNow();
        sealers.shutdownNow();
        uploaders.shutdownNow();
    }
}
