package dev.strongroom.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlobStore} in a local folder: key {@code packs/ab/cd} is the file
 * {@code root/packs/ab/cd}.
 *
 * <p><b>Atomic and durable puts.</b> {@link #put} writes to a temporary file in the target's
 * folder, checks that exactly the declared number of bytes arrived, forces the file to disk,
 * renames it over the key atomically and then forces the folder, so a crash leaves either the
 * old object, the new one, or (for a first put) nothing under the key. Folders a put creates
 * are forced into their parents the same way. There is no switch to turn this off.
 *
 * <p><b>Temporary files</b> are named {@code .tmp~<random>}. The {@code ~} is outside the key
 * alphabet, so no key can name a temporary file and {@link #list} never returns one, including
 * those a crash left behind (they can be removed by hand when no put is running).
 *
 * <p><b>Keys beyond {@link BlobStore#checkKey}.</b> A key maps to a path, so this store also
 * refuses keys with empty or {@code .} segments and keys ending in {@code /} (they would alias
 * other paths), and one key cannot be a folder of another ({@code a} and {@code a/b}): the
 * second put fails with an {@link IOException}. Strongroom's pack keys never do that.
 */
public final class FileBlobStore implements BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(FileBlobStore.class);
    private static final String TEMP_PREFIX = ".tmp~";
    private static final int BUFFER = 256 * 1024;

    private final Path root;
    private final SecureRandom random = new SecureRandom();
    /** Folders whose entries this process has forced to disk. */
    private final Set<Path> durableDirectories = ConcurrentHashMap.newKeySet();

    /** Opens (creating if needed) a store in folder {@code root}. */
    public FileBlobStore(Path root) throws IOException {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        try {
            ensureDirectory(this.root);
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    @Override
    public void put(String key, InputStream data, long length) throws IOException {
        try {
            write(key, data, length);
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    private void write(String key, InputStream data, long length) throws IOException {
        Path target = path(key);
        Objects.requireNonNull(data, "data");
        if (length < 0) {
            throw new IllegalArgumentException("negative length");
        }
        Path dir = target.getParent();
        ensureDirectory(dir);
        Path temp = dir.resolve(TEMP_PREFIX + HexFormat.of().formatHex(randomBytes()));
        boolean moved = false;
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                copyExactly(data, out, length);
                out.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            moved = true;
            forceDirectory(dir);
        } finally {
            if (!moved) {
                deleteQuietly(temp);
            }
        }
    }

    private static void copyExactly(InputStream data, FileChannel out, long length) throws IOException {
        byte[] buffer = new byte[BUFFER];
        long remaining = length;
        while (remaining > 0) {
            // whole buffers only: a network read returns whatever one TLS record held, and a file
            // write that ends inside a new block makes the kernel zero the block's rest first
            // (that zeroing was ~9 % of the server's CPU time in an upload-heavy profile)
            int want = (int) Math.min(buffer.length, remaining);
            int n = data.readNBytes(buffer, 0, want);
            if (n < want) {
                throw new IOException("blob upload truncated: fewer bytes arrived than declared");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
            remaining -= n;
        }
        if (data.read() >= 0) {
            throw new IOException("blob upload too long: more bytes arrived than declared");
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        try {
            return sizeOf(key);
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    private Optional<Long> sizeOf(String key) throws IOException {
        Path file = path(key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? Optional.of(attributes.size()) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (FileSystemException e) {
            // A file where a folder of the key should be ("a" exists, asking for "a/b").
            if (isNotADirectory(file)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public InputStream get(String key, long start, long end) throws IOException {
        try {
            return open(key, start, end);
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    private InputStream open(String key, long start, long end) throws IOException {
        Path file = path(key);
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("invalid byte range");
        }
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(file.toString()); // a folder of other keys, not an object
        }
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        try {
            if (end > channel.size()) {
                throw new IOException("byte range beyond the end of the blob");
            }
            channel.position(start);
            return new RangeInputStream(channel, end - start);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public List<Entry> list(String prefix) throws IOException {
        try {
            return walk(prefix);
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    private List<Entry> walk(String prefix) throws IOException {
        checkPrefix(prefix);
        // Walk only the deepest folder the prefix names completely, then filter.
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        List<Entry> entries = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(start) && !isKeySegment(dir.getFileName().toString())) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && isKeySegment(file.getFileName().toString())) {
                    String key = keyOf(file);
                    if (key.startsWith(prefix)) {
                        entries.add(new Entry(key, attrs.size()));
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // removed while we walked (a temporary file, a delete)
                }
                throw e;
            }
        });
        entries.sort(Comparator.comparing(Entry::key));
        return List.copyOf(entries);
    }

    @Override
    public void delete(String key) throws IOException {
        try {
            remove(key);
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    private void remove(String key) throws IOException {
        Path file = path(key);
        if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
            return; // a folder of other keys, not an object
        }
        try {
            if (Files.deleteIfExists(file)) {
                forceDirectory(file.getParent());
            }
        } catch (FileSystemException e) {
            if (!isNotADirectory(file)) {
                throw e;
            }
        }
    }

    @Override
    public void check() throws IOException {
        try {
            probe();
        } catch (FileSystemException e) {
            throw withoutPath(e);
        }
    }

    private void probe() throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("blob store folder is missing");
        }
        Path probe = root.resolve(TEMP_PREFIX + "check-" + HexFormat.of().formatHex(randomBytes()));
        try (FileChannel out = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(ByteBuffer.wrap(new byte[] {1}));
            out.force(true);
        } catch (AccessDeniedException e) {
            throw new IOException("blob store folder is not writable", e);
        } finally {
            deleteQuietly(probe);
        }
    }

    @Override
    public void close() {
        // Nothing is held open between calls.
    }

    @Override
    public String toString() {
        return "FileBlobStore";
    }

    // ---- keys and paths ----

    private Path path(String key) {
        BlobStore.checkKey(key);
        if (key.endsWith("/") || key.contains("//")) {
            throw new IllegalArgumentException("invalid blob key");
        }
        for (String segment : key.split("/")) {
            if (segment.equals(".")) {
                throw new IllegalArgumentException("invalid blob key");
            }
        }
        Path file = root.resolve(key);
        if (!file.normalize().startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("invalid blob key");
        }
        return file;
    }

    private static void checkPrefix(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() > 512 || prefix.startsWith("/") || prefix.contains("..")
                || !prefix.chars().allMatch(FileBlobStore::isKeyChar)) {
            throw new IllegalArgumentException("invalid blob key prefix");
        }
    }

    private static boolean isKeyChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' || c == '/';
    }

    /** Whether a file name can be part of a key: temporary files and strangers cannot. */
    private static boolean isKeySegment(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.chars().allMatch(
                c -> c != '/' && isKeyChar(c));
    }

    private String keyOf(Path file) {
        Path relative = root.relativize(file);
        StringBuilder key = new StringBuilder();
        for (Path part : relative) {
            if (!key.isEmpty()) {
                key.append('/');
            }
            key.append(part);
        }
        return key.toString();
    }

    private boolean isNotADirectory(Path file) {
        for (Path p = file.getParent(); p != null && p.startsWith(root) && !p.equals(root); p = p.getParent()) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The same failure without the file's path: paths hold vault and pack ids, which must not
     * reach logs through exception messages. The operating system's reason ("No space left on
     * device") and the stack trace are kept.
     */
    private static IOException withoutPath(FileSystemException e) {
        String reason = e.getReason();
        FileSystemException clean = switch (e) {
            case NoSuchFileException _ -> new NoSuchFileException("blob", null, reason == null ? "does not exist" : reason);
            case AccessDeniedException _ -> new AccessDeniedException("blob", null, reason);
            case FileAlreadyExistsException _ -> new FileAlreadyExistsException("blob", null, reason);
            case DirectoryNotEmptyException _ -> new FileSystemException("blob", null, "is a folder of other blobs");
            case NotDirectoryException _ -> new FileSystemException("blob", null, "a blob is in the way of its folder");
            default -> new FileSystemException("blob", null, reason);
        };
        clean.setStackTrace(e.getStackTrace());
        return clean;
    }

    // ---- durability helpers ----

    /**
     * Makes sure a folder exists and that its entry, and its parents' entries, are on disk:
     * creates what is missing and forces each folder's parent once per process, so a put never
     * returns while the folder holding its file could vanish in a crash.
     */
    private void ensureDirectory(Path dir) throws IOException {
        if (durableDirectories.contains(dir) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null) {
            ensureDirectory(parent);
        }
        if (!Files.isDirectory(dir)) {
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(dir)) {
                    throw e; // a blob where a folder is needed
                }
            }
        }
        if (parent != null) {
            forceDirectory(parent);
        }
        durableDirectories.add(dir);
    }

    /** Forces a folder's entries to disk; platforms that cannot open folders are skipped. */
    private static void forceDirectory(Path dir) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("cannot open a folder to force it on this platform");
            return;
        }
        try (channel) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms refuse fsync on folders (EINVAL); their renames are durable otherwise or not at all.
            LOG.debug("the platform refused to force a folder");
        }
    }

    private byte[] randomBytes() {
        byte[] bytes = new byte[12];
        random.nextBytes(bytes);
        return bytes;
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("could not remove a temporary blob file");
        }
    }

    /** Reads a fixed number of bytes from a positioned channel, then reports end of stream. */
    private static final class RangeInputStream extends InputStream {
        private final FileChannel channel;
        private final InputStream in;
        private long remaining;

        RangeInputStream(FileChannel channel, long length) {
            this.channel = channel;
            this.in = Channels.newInputStream(channel);
            this.remaining = length;
        }

        @Override
        public int read() throws IOException {
            if (remaining <= 0) {
                return -1;
            }
            int b = in.read();
            if (b < 0) {
                throw new IOException("blob ended before the requested range");
            }
            remaining--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            if (remaining <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, remaining));
            if (n < 0) {
                throw new IOException("blob ended before the requested range");
            }
            remaining -= n;
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            if (n <= 0) {
                return 0;
            }
            long skipped = Math.min(n, remaining);
            channel.position(channel.position() + skipped);
            remaining -= skipped;
            return skipped;
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
