package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.text.Normalizer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Seeded generators of source trees and a comparator for restored ones.
 *
 * <p>A tree is compared through its {@link #snapshot}: a sorted map from the path below the
 * root to a line describing the entry (type, rwx mode, mtime to the nanosecond, content hash
 * or link target). Two trees are identical when their snapshots are equal, and AssertJ shows
 * exactly which entries differ.
 */
final class Trees {
    static final int MIB = 1 << 20;
    private static volatile Boolean linkTimes;

    private Trees() {
    }

    /** A varied tree with {@code bigFiles} random multi-chunk files of 3-12 MiB (or {@code bigMax} if smaller). */
    static Path varied(Path root, long seed, int bigFiles) throws IOException {
        return varied(root, seed, bigFiles, 3 * MIB, 12 * MIB);
    }

    static Path varied(Path root, long seed, int bigFiles, int bigMin, int bigMax) throws IOException {
        Gen g = new Gen(root, seed);
        Files.createDirectories(root);
        g.file("日本語.txt", g.text(2000), 0644);
        g.file("emoji 😀", g.text(300), 0600);
        g.file("name with spaces.txt", g.text(50), 0644);
        g.file("empty.txt", new byte[0], 0644);
        g.file("run.sh", "#!/bin/sh\necho hello\n".getBytes(), 0755);
        g.file(Normalizer.normalize("décomposé.txt", Normalizer.Form.NFD), g.text(10), 0644);
        g.file("case.txt", g.text(10), 0644);
        g.file("CASE.txt", g.text(11), 0644);
        for (int i = 0; i < bigFiles; i++) {
            g.file("big-" + i + ".bin", g.random(bigMin + g.rnd.nextInt(bigMax - bigMin + 1)), 0644);
        }
        g.dir("ünïcödé", 0755);
        g.file("ünïcödé/naïve café.md", g.text(700), 0644);
        g.dir("ünïcödé/deeper", 0755);
        g.dir("ünïcödé/deeper/deepest", 0750);
        g.file("ünïcödé/deeper/deepest/leaf.txt", g.text(100), 0640);
        g.file("ünïcödé/deeper/deepest/zero", new byte[0], 0600);
        g.dir("private", 0700);
        g.file("private/secret.txt", g.text(64), 0600);
        g.dir("empty-dir", 0755);
        g.dir("nested", 0755);
        g.dir("nested/a", 0755);
        g.dir("nested/a/b", 0755);
        g.dir("nested/a/b/c", 0755);
        g.file("nested/a/b/c/d.txt", g.text(20), 0644);
        g.link("link-rel", "日本語.txt");
        g.link("link-dir", "ünïcödé/deeper");
        g.link("link-abs", "/etc/hostname");
        g.link("dangling", "no/such/target");
        g.link("nested/a/up", "../../name with spaces.txt");
        g.finish();
        return root;
    }

    /** A tree of {@code files} small text files, for tests that need many versions quickly. */
    static Path small(Path root, long seed, int files) throws IOException {
        Gen g = new Gen(root, seed);
        Files.createDirectories(root);
        g.dir("d", 0755);
        for (int i = 0; i < files; i++) {
            g.file((i % 2 == 0 ? "d/" : "") + "f" + i + ".txt", g.text(200 + g.rnd.nextInt(2000)), 0644);
        }
        g.link("l", "d");
        g.finish();
        return root;
    }

    /** Writes random bytes to a file and sets a new explicit mtime. */
    static byte[] randomFile(Path file, long seed, int length) throws IOException {
        byte[] b = randomBytes(seed, length);
        Files.write(file, b);
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_700_000_000L + seed % 1000, 123_456_789)));
        return b;
    }

    static byte[] randomBytes(long seed, int length) {
        byte[] b = new byte[length];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    private static final class Gen {
        final Path root;
        final SplittableRandom rnd;
        /** Paths whose mtime is set at the end (folders after their contents, deepest first). */
        final Deque<Path> dirs = new ArrayDeque<>();
        final Map<Path, FileTime> times = new TreeMap<>();

        Gen(Path root, long seed) {
            this.root = root;
            this.rnd = new SplittableRandom(seed);
        }

        FileTime time() {
            long s = 1_000_000_000L + rnd.nextLong(900_000_000L);
            int ns = rnd.nextInt(1_000_000_000);
            return FileTime.from(Instant.ofEpochSecond(s, ns));
        }

        byte[] random(int n) {
            byte[] b = new byte[n];
            rnd.nextBytes(b);
            return b;
        }

        byte[] text(int n) {
            String[] words = {"strongroom", "vault", "chunk", "pack", "tree", "commit", "日本", "ünï", "😀", "line\n"};
            StringBuilder sb = new StringBuilder(n + 16);
            while (sb.length() < n) {
                sb.append(words[rnd.nextInt(words.length)]).append(' ');
            }
            return sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        void file(String rel, byte[] content, int mode) throws IOException {
            Path p = root.resolve(rel);
            Files.write(p, content);
            Files.setPosixFilePermissions(p, Restorer.perms(mode));
            times.put(p, time());
        }

        void dir(String rel, int mode) throws IOException {
            Path p = root.resolve(rel);
            Files.createDirectory(p);
            Files.setPosixFilePermissions(p, Restorer.perms(mode));
            dirs.push(p);
        }

        void link(String rel, String target) throws IOException {
            Path p = root.resolve(rel);
            Files.createSymbolicLink(p, Path.of(target));
            times.put(p, time());
        }

        void finish() throws IOException {
            for (Map.Entry<Path, FileTime> e : times.entrySet()) {
                setTime(e.getKey(), e.getValue());
            }
            // deepest folders first: a folder's mtime is set after everything inside it
            List<Path> ds = new ArrayList<>(dirs);
            ds.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
            for (Path d : ds) {
                setTime(d, time());
            }
        }
    }

    static void setTime(Path p, FileTime t) throws IOException {
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, null, null);
    }

    /** Whether this platform lets us set and read a symbolic link's own mtime. */
    static boolean linkTimesSupported() {
        Boolean b = linkTimes;
        if (b == null) {
            try {
                Path dir = Files.createTempDirectory("strongroom-probe");
                Path l = dir.resolve("probe-link");
                Files.createSymbolicLink(l, Path.of("nowhere"));
                FileTime t = FileTime.from(Instant.ofEpochSecond(1_234_567_890L, 987_654_321));
                setTime(l, t);
                b = Files.getLastModifiedTime(l, LinkOption.NOFOLLOW_LINKS).equals(t);
                Files.delete(l);
                Files.delete(dir);
            } catch (IOException | UnsupportedOperationException e) {
                b = false;
            }
            linkTimes = b;
        }
        return b;
    }

    /**
     * The snapshot of a tree: relative path -> "type mode mtime content". The root itself is
     * not described (a restore target's own metadata is the user's).
     */
    static TreeMap<String, String> snapshot(Path root) throws IOException {
        boolean lt = linkTimesSupported();
        TreeMap<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    out.put(rel(root, dir), "dir " + meta(dir));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    out.put(rel(root, file), "link -> " + Files.readSymbolicLink(file)
                            + (lt ? " mtime=" + Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant() : ""));
                } else if (attrs.isRegularFile()) {
                    out.put(rel(root, file), "file " + meta(file) + " size=" + attrs.size() + " sha256=" + sha256(file));
                } else {
                    out.put(rel(root, file), "other");
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    static String rel(Path root, Path p) {
        return "/" + root.relativize(p).toString();
    }

    private static String meta(Path p) throws IOException {
        return "mode=" + PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
                + " mtime=" + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts two trees are identical: names, types, bytes, rwx modes, mtimes, link targets. */
    static void assertSameTree(Path actual, Path expected) throws IOException {
        TreeMap<String, String> want = snapshot(expected);
        assertThat(want).as("the expected tree is not empty").isNotEmpty();
        assertThat(snapshot(actual)).as("restored tree %s compared with %s", actual, expected).isEqualTo(want);
    }

    /** Total bytes of regular files under a folder. */
    static long folderBytes(Path root) throws IOException {
        long[] total = {0};
        if (!Files.exists(root)) {
            return 0;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    total[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return total[0];
    }

    /** Regular files and their count/bytes, as a backup counts them. */
    static long[] fileCountAndBytes(Path root) throws IOException {
        long[] r = {0, 0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    r[0]++;
                    r[1] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return r;
    }
}
