package dev.strongroom.client;

import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.PackId;
import dev.strongroom.format.PackLayout;
import dev.strongroom.format.Tree;
import dev.strongroom.format.UnsafePathException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Recreates a tree on disk, safely and pack by pack.
 *
 * <p>Safety:
 * <ul>
 *   <li>Names were validated when the tree was decoded (no '/', '..', NUL, duplicates); every
 *       path is one validated name under a folder this restorer created or checked, and nothing
 *       is ever followed through a symbolic link: an existing symlink where a folder belongs is
 *       an error, files are replaced by rename (which replaces a link, never writes through it),
 *       and links are created last in each folder.</li>
 *   <li>Each file is written to a temporary name beside its destination and renamed over the
 *       destination only when every chunk has verified, so a failed verification leaves no
 *       partial file in place of a good one.</li>
 *   <li>Mode bits (rwx for user, group, other) and mtimes are restored; folders' mtimes after
 *       their contents.</li>
 * </ul>
 *
 * <p>Speed: the plan groups every needed chunk by pack; workers fetch, per pack, the aligned
 * block runs that cover its needed chunks (a few large range requests instead of one per
 * chunk), verify each chunk and write it at its offsets in every file that uses it.
 */
final class Restorer implements AutoCloseable {
    /** Merge block runs separated by at most this many unneeded blocks into one request. */
    private static final int GAP_BLOCKS = 2;
    /** Largest single range request. */
    private static final long MAX_REQUEST = 16L << 20;
    private static final int WRITE_SLICE = 1 << 20;

    private final Path target;
    private final BlobSource src;
    private final Function<ObjectId, Tree> trees;
    private final Progress progress;
    private final ExecutorService pool;
    private final List<FileJob> files = new ArrayList<>();
    private final List<Runnable> dirFinishers = new ArrayList<>();
    private final List<LinkJob> linkJobs = new ArrayList<>();
    private final AtomicLong filesDone = new AtomicLong();
    private final AtomicLong bytesDone = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private long dirs;
    private long links;

    Restorer(Path target, BlobSource src, Function<ObjectId, Tree> trees, Progress progress) {
        this.target = target.toAbsolutePath().normalize();
        this.src = src;
        this.trees = trees;
        this.progress = progress;
        this.pool = Executors.newFixedThreadPool(Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
            Thread t = new Thread(r, "sr-restore");
            t.setDaemon(true);
            return t;
        });
    }

    /** A file to write: where, what, and how many chunk writes remain. */
    private static final class FileJob {
        final Path path;
        final Path tmp;
        final Tree.FileEntry entry;
        final AtomicInteger remaining;
        volatile boolean failed;

        FileJob(Path path, Tree.FileEntry entry) {
            this.path = path;
            // short and fixed-length, so even a 255-byte name has a temporary sibling
            this.tmp = path.resolveSibling(".sr-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current()
                    .nextLong() | Long.MIN_VALUE) + ".tmp");
            this.entry = entry;
            this.remaining = new AtomicInteger(entry.chunks().size());
        }
    }

    private record LinkJob(Path dir, Tree.SymlinkEntry entry) {
    }

    /** One use of a chunk: the file and the offset it goes to. */
    private record Use(FileJob file, long offset) {
    }

    /** A chunk needed from a pack, with every place it goes. */
    private record Need(ObjectId id, Index.Location loc, List<Use> uses) {
    }

    Vault.RestoreResult run(ObjectId root, Vault.Listing at) {
        try {
            Files.createDirectories(target);
            requireRealDir(target);
            switch (at.entry()) {
                case null -> walk(trees.apply(root), target);
                case Tree.DirEntry d -> {
                    Path p = child(target, d.name());
                    makeDir(p);
                    walk(trees.apply(d.tree()), p);
                    dirFinishers.add(() -> setMeta(p, d));
                }
                case Tree.FileEntry f -> files.add(new FileJob(child(target, f.name()), f));
                case Tree.SymlinkEntry s -> linkJobs.add(new LinkJob(target, s));
            }
            restoreFiles();
            for (LinkJob l : linkJobs) {
                link(l.dir(), l.entry());
            }
            for (int i = dirFinishers.size() - 1; i >= 0; i--) {
                dirFinishers.get(i).run(); // post-order: innermost folders were added last
            }
            return new Vault.RestoreResult(filesDone.get(), bytesDone.get(), dirs, links);
        } catch (IOException e) {
            throw new OperationFailedException("restore failed: " + e.getMessage(), e);
        } finally {
            for (FileJob f : files) {
                try {
                    Files.deleteIfExists(f.tmp);
                } catch (IOException ignored) {
                    // best effort: a leftover temporary file never replaces a good one
                }
            }
        }
    }

    // ---------------------------------------------------------------- tree walk

    private void walk(Tree t, Path dir) throws IOException {
        checkCaseFolding(t, dir);
        for (Tree.Entry e : t.entries()) {
            switch (e) {
                case Tree.FileEntry f -> files.add(new FileJob(child(dir, f.name()), f));
                case Tree.DirEntry d -> {
                    Path p = child(dir, d.name());
                    makeDir(p);
                    dirFinishers.add(() -> setMeta(p, d));
                    walk(trees.apply(d.tree()), p);
                }
                case Tree.SymlinkEntry s -> linkJobs.add(new LinkJob(dir, s));
            }
        }
    }

    private Path child(Path dir, String name) {
        Tree.checkName(name);
        Path p = dir.resolve(name);
        if (!p.getParent().equals(dir) || !p.normalize().startsWith(target)) {
            throw new UnsafePathException("a tree name would escape the restore target");
        }
        return p;
    }

    private static void requireRealDir(Path p) throws IOException {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new UnsafePathException("refusing to restore through " + p + ": it is a symbolic link or not a folder");
        }
    }

    private void makeDir(Path p) throws IOException {
        try {
            Files.createDirectory(p);
        } catch (FileAlreadyExistsException e) {
            // an existing folder is reused; anything else (a file, a link) is refused below
        }
        requireRealDir(p);
        dirs++;
    }

    /**
     * Names that differ only in case are distinct on POSIX file systems but would overwrite each
     * other on a case-insensitive one; when a folder holds such names, the target is probed and a
     * case-insensitive target is refused before anything in the folder is written.
     */
    private static void checkCaseFolding(Tree t, Path dir) throws IOException {
        Map<String, String> folded = new HashMap<>();
        for (Tree.Entry e : t.entries()) {
            String prev = folded.putIfAbsent(e.name().toLowerCase(java.util.Locale.ROOT), e.name());
            if (prev != null) {
                if (caseInsensitive(dir)) {
                    throw new UnsafePathException("'" + prev + "' and '" + e.name() + "' differ only in case, and the "
                            + "file system of " + dir + " does not tell them apart; restore to a case-sensitive file system");
                }
                return;
            }
        }
    }

    private static boolean caseInsensitive(Path dir) throws IOException {
        Path probe = dir.resolve(".strongroom-case-probe-" + Long.toHexString(System.nanoTime()));
        Files.createFile(probe);
        try {
            return Files.exists(dir.resolve(probe.getFileName().toString().toUpperCase(java.util.Locale.ROOT)),
                    LinkOption.NOFOLLOW_LINKS);
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    // ---------------------------------------------------------------- files

    private void restoreFiles() throws IOException {
        // plan: every chunk use, grouped by pack (locations are checked against type and length first)
        Map<PackId, Map<ObjectId, Need>> byPack = new LinkedHashMap<>();
        for (FileJob f : files) {
            if (Files.isDirectory(f.path, LinkOption.NOFOLLOW_LINKS)) {
                throw new OperationFailedException("cannot restore file " + f.path + ": a folder is in the way");
            }
            try (FileChannel ch = FileChannel.open(f.tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                if (f.entry.size() > 0) {
                    ch.truncate(0);
                }
            }
            long off = 0;
            for (Tree.ChunkRef c : f.entry.chunks()) {
                Index.Location loc = src.locate(c.id(), ObjectType.DATA, c.length());
                byPack.computeIfAbsent(loc.pack(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(c.id(), k -> new Need(c.id(), loc, new ArrayList<>()))
                        .uses().add(new Use(f, off));
                off += c.length();
            }
            if (f.entry.chunks().isEmpty()) {
                finish(f);
            }
        }
        List<Future<?>> tasks = new ArrayList<>();
        for (Map.Entry<PackId, Map<ObjectId, Need>> e : byPack.entrySet()) {
            tasks.add(pool.submit(() -> {
                if (failure.get() == null) {
                    restorePack(e.getKey(), new ArrayList<>(e.getValue().values()));
                }
                return null;
            }));
        }
        for (Future<?> t : tasks) {
            try {
                t.get();
            } catch (java.util.concurrent.ExecutionException ex) {
                RuntimeException r = ex.getCause() instanceof RuntimeException re ? re
                        : new OperationFailedException("restore failed: " + ex.getCause().getMessage(), ex.getCause());
                failure.compareAndSet(null, r);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new OperationFailedException("interrupted");
            }
        }
        RuntimeException f = failure.get();
        if (f != null) {
            throw f;
        }
    }

    private void restorePack(PackId pack, List<Need> needs) {
        needs.sort((a, b) -> Long.compare(a.loc().offset(), b.loc().offset()));
        long size = src.packSize(pack);
        int i = 0;
        while (i < needs.size() && failure.get() == null) {
            long start = PackLayout.blockStart(needs.get(i).loc().offset());
            long end = endOf(needs.get(i), size);
            int j = i + 1;
            while (j < needs.size()) {
                long s = PackLayout.blockStart(needs.get(j).loc().offset());
                long e = endOf(needs.get(j), size);
                if (s - end > (long) GAP_BLOCKS * PackLayout.BLOCK_SIZE || e - start > MAX_REQUEST) {
                    break;
                }
                end = Math.max(end, e);
                j++;
            }
            byte[] data = src.fetch(pack, start, end);
            for (int k = i; k < j; k++) {
                Need n = needs.get(k);
                byte[] plain = src.open(n.id(), n.loc(), data, (int) (n.loc().offset() - start));
                for (Use u : n.uses()) {
                    write(u, plain);
                }
            }
            i = j;
        }
    }

    private static long endOf(Need n, long packSize) {
        return PackLayout.blockEnd(n.loc().offset(), n.loc().sealedLength(), packSize);
    }

    private void write(Use u, byte[] plain) {
        FileJob f = u.file();
        if (f.failed) {
            return;
        }
        try (FileChannel ch = FileChannel.open(f.tmp, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            // 1 MiB per call, for the same reason as ChunkStream's reads: the JDK's temporary
            // direct buffer per thread grows to the largest write
            long pos = u.offset();
            for (int off = 0; off < plain.length; off += WRITE_SLICE) {
                ByteBuffer bb = ByteBuffer.wrap(plain, off, Math.min(WRITE_SLICE, plain.length - off));
                while (bb.hasRemaining()) {
                    pos += ch.write(bb, pos);
                }
            }
        } catch (IOException e) {
            f.failed = true;
            throw new OperationFailedException("cannot write " + f.path + ": " + e.getMessage(), e);
        }
        progress.bytes(plain.length);
        if (f.remaining.decrementAndGet() == 0) {
            finish(f);
        }
    }

    private void finish(FileJob f) {
        try {
            Files.setPosixFilePermissions(f.tmp, perms(f.entry.mode()));
            Files.setLastModifiedTime(f.tmp, time(f.entry));
            if (Files.isDirectory(f.path, LinkOption.NOFOLLOW_LINKS)) {
                throw new OperationFailedException("cannot restore file " + f.path + ": a folder is in the way");
            }
            try {
                Files.move(f.tmp, f.path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(f.tmp, f.path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new OperationFailedException("cannot finish " + f.path + ": " + e.getMessage(), e);
        }
        filesDone.incrementAndGet();
        bytesDone.addAndGet(f.entry.size());
        progress.fileDone(f.entry.size());
    }

    // ---------------------------------------------------------------- links and metadata

    private void link(Path dir, Tree.SymlinkEntry s) throws IOException {
        Path p = child(dir, s.name());
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isSymbolicLink(p) || Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.delete(p);
            } else {
                throw new OperationFailedException("cannot restore link " + p + ": a folder is in the way");
            }
        }
        Files.createSymbolicLink(p, Path.of(s.target()));
        try {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(time(s), null, null);
        } catch (IOException | UnsupportedOperationException ignored) {
            // some platforms cannot set a link's own times
        }
        links++;
    }

    private void setMeta(Path p, Tree.Entry e) {
        try {
            Files.setPosixFilePermissions(p, perms(e.mode()));
            Files.setLastModifiedTime(p, time(e));
        } catch (IOException ex) {
            progress.warn("cannot set metadata of " + p + ": " + ex.getMessage());
        }
    }

    private static FileTime time(Tree.Entry e) {
        return FileTime.from(Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos()));
    }

    static Set<PosixFilePermission> perms(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(order[i]);
            }
        }
        return s;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
