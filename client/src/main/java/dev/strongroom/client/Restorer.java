package dev.strongroom.client;

import dev.strongroom.format.ObjectId;
import dev.strongroom.format.ObjectType;
import dev.strongroom.format.OperationFailedException;
import dev.strongroom.format.StrongroomException;
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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Recreates a tree on disk, safely:
 * <ul>
 *   <li>Names were validated when the tree was decoded (no '/', '..', NUL, duplicates); every
 *       path is built by resolving one validated name under a folder this restorer created or
 *       checked, and nothing is ever followed through a symbolic link: an existing symlink
 *       where a folder belongs is an error, files are replaced by rename (which replaces a link,
 *       never writes through it), and links are created last in each folder.</li>
 *   <li>Each file is written to a temporary name beside its destination, verified chunk by
 *       chunk, and renamed over the destination only when complete, so a failed verification
 *       leaves no partial file in place of a good one.</li>
 *   <li>Mode bits (rwx for user, group, other) and mtimes are restored; folders' mtimes after
 *       their contents.</li>
 * </ul>
 */
final class Restorer implements AutoCloseable {
    private final Path target;
    private final BlobSource src;
    private final Function<ObjectId, Tree> trees;
    private final Progress progress;
    private final ExecutorService pool;
    private final List<Future<?>> tasks = new ArrayList<>();
    private final List<Runnable> dirFinishers = new ArrayList<>();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
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

    Vault.RestoreResult run(ObjectId root, Vault.Listing at) {
        try {
            Files.createDirectories(target);
            requireRealDir(target);
            switch (at.entry()) {
                case null -> restoreDirContents(trees.apply(root), target);
                case Tree.DirEntry d -> {
                    Path p = child(target, d.name());
                    makeDir(p);
                    restoreDirContents(trees.apply(d.tree()), p);
                    dirFinishers.add(() -> setMeta(p, d, true));
                }
                case Tree.FileEntry f -> submitFile(target, f);
                case Tree.SymlinkEntry s -> link(target, s);
            }
            for (Future<?> f : tasks) {
                await(f);
            }
            // post-order: innermost folders were added last
            for (int i = dirFinishers.size() - 1; i >= 0; i--) {
                dirFinishers.get(i).run();
            }
            return new Vault.RestoreResult(files.get(), bytes.get(), dirs, links);
        } catch (IOException e) {
            throw new OperationFailedException("restore failed: " + e.getMessage(), e);
        }
    }

    private static void await(Future<?> f) {
        try {
            f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof StrongroomException s) {
                throw s;
            }
            throw new OperationFailedException("restore failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted");
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
            // an existing folder is reused; anything else (a file, a link) is an error
        }
        requireRealDir(p);
        dirs++;
    }

    private void restoreDirContents(Tree t, Path dir) throws IOException {
        checkCaseFolding(t, dir);
        List<Tree.SymlinkEntry> linksHere = new ArrayList<>();
        for (Tree.Entry e : t.entries()) {
            switch (e) {
                case Tree.FileEntry f -> submitFile(dir, f);
                case Tree.DirEntry d -> {
                    Path p = child(dir, d.name());
                    makeDir(p);
                    dirFinishers.add(() -> setMeta(p, d, true));
                    restoreDirContents(trees.apply(d.tree()), p);
                }
                case Tree.SymlinkEntry s -> linksHere.add(s);
            }
        }
        for (Tree.SymlinkEntry s : linksHere) {
            link(dir, s);
        }
    }

    /**
     * Names that differ only in case are distinct on POSIX file systems but would overwrite each
     * other on a case-insensitive one; when a folder holds such names, the target is probed and a
     * case-insensitive target is refused before anything in the folder is written.
     */
    private static void checkCaseFolding(Tree t, Path dir) throws IOException {
        java.util.Map<String, String> folded = new java.util.HashMap<>();
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

    private void submitFile(Path dir, Tree.FileEntry f) {
        Path p = child(dir, f.name());
        tasks.add(pool.submit(() -> {
            writeFile(p, f);
            return null;
        }));
    }

    private void writeFile(Path p, Tree.FileEntry f) throws IOException {
        Path tmp = p.resolveSibling("." + p.getFileName() + ".strongroom-" + Long.toHexString(System.nanoTime()));
        boolean done = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS)) {
                for (Tree.ChunkRef c : f.chunks()) {
                    byte[] data = src.read(c.id(), ObjectType.DATA, c.length());
                    ByteBuffer bb = ByteBuffer.wrap(data);
                    while (bb.hasRemaining()) {
                        ch.write(bb);
                    }
                    progress.bytes(data.length);
                }
            }
            Files.setPosixFilePermissions(tmp, perms(f.mode()));
            Files.setLastModifiedTime(tmp, time(f));
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new OperationFailedException("cannot restore file " + p + ": a folder is in the way");
            }
            try {
                Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING);
            }
            done = true;
            files.incrementAndGet();
            bytes.addAndGet(f.size());
            progress.fileDone(f.size());
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    private void setMeta(Path p, Tree.Entry e, boolean dir) {
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
