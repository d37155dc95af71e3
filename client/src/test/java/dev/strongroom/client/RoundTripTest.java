package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.NotFoundException;
import dev.strongroom.format.Tree;
import dev.strongroom.format.UnsafePathException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore against the embedded default server (SQLite + pack folder, HTTPS on
 * loopback) exactly as {@code strongroom server} runs it. One varied tree is backed up once;
 * every test restores or reads it in its own way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Round trip through a real server")
class RoundTripTest {
    Path tmp;
    TestServer server;
    Client client;
    Vault vault;
    Path source;
    Vault.BackupResult first;

    @BeforeAll
    void backUpOnce(@TempDir Path dir) throws Exception {
        tmp = dir;
        server = TestServer.plain(tmp.resolve("server"));
        client = server.newAccount(tmp.resolve("home"));
        client.createVault("photos");
        vault = client.vault("photos");
        source = Trees.varied(tmp.resolve("source"), 42, 2);
        first = vault.backup(source, BackupOptions.DEFAULT.withMessage("first"), Progress.NONE);
    }

    @AfterAll
    void close() throws Exception {
        vault.close();
        client.close();
        server.close();
    }

    @Test
    @DisplayName("the backup counts what the tree holds and warns about nothing")
    void backupCounts() throws Exception {
        long[] cb = Trees.fileCountAndBytes(source);
        assertThat(first.files()).isEqualTo(cb[0]);
        assertThat(first.bytes()).isEqualTo(cb[1]);
        assertThat(first.warnings()).isZero();
        assertThat(first.version().seq()).isEqualTo(1);
        assertThat(first.version().message()).isEqualTo("first");
        assertThat(first.newPacks()).isPositive();
        assertThat(first.version().author()).isEqualTo(client.deviceId());
    }

    @Test
    @DisplayName("a restore into a fresh folder recreates the tree exactly")
    void restoreFresh() throws Exception {
        Path target = tmp.resolve("fresh");
        Vault.RestoreResult r = vault.restore(vault.version(Optional.empty()), "/", target, Progress.NONE);
        Trees.assertSameTree(target, source);
        long[] cb = Trees.fileCountAndBytes(source);
        assertThat(r.files()).isEqualTo(cb[0]);
        assertThat(r.bytes()).isEqualTo(cb[1]);
        assertThat(r.links()).isEqualTo(5);
        assertThat(noTemporaries(target)).isTrue();
    }

    @Test
    @DisplayName("a second handle on the same device restores the same tree (caches rebuilt from the server)")
    void restoreThroughFreshHandleWithoutCaches() throws Exception {
        // drop the local index and tree caches: everything must come from the server again
        deleteRecursively(client.home().cacheDir());
        try (Client c2 = TestServer.open(tmp.resolve("home")); Vault v2 = c2.vault("photos")) {
            Path target = tmp.resolve("fresh-handle");
            v2.restore(v2.version(Optional.of(1L)), "", target, Progress.NONE);
            Trees.assertSameTree(target, source);
        }
    }

    @Test
    @DisplayName("a restore over stale files replaces what the version holds and keeps unrelated files")
    void restoreOverStale() throws Exception {
        Path target = tmp.resolve("stale");
        Path outside = tmp.resolve("outside-stale");
        Files.createDirectories(outside);
        Path outsideFile = Files.writeString(outside.resolve("victim.txt"), "do not touch");
        Files.createDirectories(target.resolve("ünïcödé"));
        // same names, other contents, modes and times
        Files.writeString(target.resolve("日本語.txt"), "stale contents that are longer than nothing");
        Files.setPosixFilePermissions(target.resolve("日本語.txt"), Restorer.perms(0777));
        Files.writeString(target.resolve("empty.txt"), "not empty any more");
        Files.setLastModifiedTime(target.resolve("empty.txt"), FileTime.from(Instant.ofEpochSecond(5)));
        Files.write(target.resolve("big-0.bin"), new byte[] {1, 2, 3});
        // a link where the version has a file: replaced, its target untouched
        Files.createSymbolicLink(target.resolve("name with spaces.txt"), outsideFile);
        // a file where the version has a link
        Files.writeString(target.resolve("link-rel"), "a file where a link belongs");
        // a link with the same name but another target
        Files.createSymbolicLink(target.resolve("dangling"), Path.of("elsewhere"));
        // something the version does not know
        Files.writeString(target.resolve("unrelated.txt"), "mine");
        Files.writeString(target.resolve("ünïcödé/unrelated-too.txt"), "mine too");

        vault.restore(vault.version(Optional.empty()), "/", target, Progress.NONE);

        TreeMap<String, String> want = Trees.snapshot(source);
        TreeMap<String, String> got = Trees.snapshot(target);
        assertThat(got).containsAllEntriesOf(want);
        assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(
                union(want.keySet(), List.of("/unrelated.txt", "/ünïcödé/unrelated-too.txt")));
        assertThat(Files.readString(target.resolve("unrelated.txt"))).isEqualTo("mine");
        assertThat(Files.readString(outsideFile)).isEqualTo("do not touch");
        assertThat(Files.isSymbolicLink(target.resolve("name with spaces.txt"))).isFalse();
        assertThat(noTemporaries(target)).isTrue();
    }

    @Test
    @DisplayName("an existing link where the version has a folder is never followed")
    void existingLinkToOutsideIsNotFollowed() throws Exception {
        Path target = tmp.resolve("link-trap");
        Path outside = tmp.resolve("outside-trap");
        Files.createDirectories(outside);
        Files.createDirectories(target);
        Files.createSymbolicLink(target.resolve("ünïcödé"), outside);
        TreeMap<String, String> before = Trees.snapshot(outside);

        assertThatThrownBy(() -> vault.restore(vault.version(Optional.empty()), "/", target, Progress.NONE))
                .isInstanceOf(UnsafePathException.class)
                .hasMessageContaining("symbolic link");
        assertThat(Trees.snapshot(outside)).isEqualTo(before);
        assertThat(outside.resolve("naïve café.md")).doesNotExist();
    }

    @Test
    @DisplayName("a restore target that is itself a link is refused")
    void targetThatIsALinkIsRefused() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside-target"));
        Path target = Files.createSymbolicLink(tmp.resolve("target-link"), outside);
        assertThatThrownBy(() -> vault.restore(vault.version(Optional.empty()), "/", target, Progress.NONE))
                .isInstanceOf(UnsafePathException.class);
        assertThat(Trees.snapshot(outside)).isEmpty();
    }

    @Test
    @DisplayName("a sub-folder restores with its own metadata and contents")
    void restoreSubFolder() throws Exception {
        Path target = tmp.resolve("sub-folder");
        vault.restore(vault.version(Optional.empty()), "/ünïcödé/deeper", target, Progress.NONE);
        assertThat(Trees.snapshot(target)).isEqualTo(subSnapshot(Trees.snapshot(source), "/ünïcödé/deeper", "/deeper"));
        assertThat(target.resolve("deeper/deepest/leaf.txt")).isRegularFile();
    }

    @Test
    @DisplayName("a single file restores with its bytes, mode and mtime")
    void restoreSingleFile() throws Exception {
        Path target = tmp.resolve("single-file");
        Vault.RestoreResult r = vault.restore(vault.version(Optional.empty()), "ünïcödé/deeper/deepest/leaf.txt",
                target, Progress.NONE);
        assertThat(r.files()).isEqualTo(1);
        assertThat(Trees.snapshot(target)).containsExactly(Map.entry("/leaf.txt",
                Trees.snapshot(source).get("/ünïcödé/deeper/deepest/leaf.txt")));
    }

    @Test
    @DisplayName("a single link restores as a link, not as what it points to")
    void restoreSingleLink() throws Exception {
        Path target = tmp.resolve("single-link");
        vault.restore(vault.version(Optional.empty()), "/link-abs", target, Progress.NONE);
        assertThat(Files.isSymbolicLink(target.resolve("link-abs"))).isTrue();
        assertThat(Files.readSymbolicLink(target.resolve("link-abs"))).isEqualTo(Path.of("/etc/hostname"));
    }

    @Test
    @DisplayName("a path that is not in the version is NotFound, and '..' is refused")
    void missingPaths() {
        Vault.Version v = vault.version(Optional.empty());
        assertThatThrownBy(() -> vault.restore(v, "/no such thing", tmp.resolve("nothing"), Progress.NONE))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no such thing");
        assertThatThrownBy(() -> vault.list(v, "/日本語.txt/below", false))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("not a folder");
        assertThatThrownBy(() -> vault.list(v, "/ünïcödé/../..", false))
                .isInstanceOf(dev.strongroom.format.InvalidInputException.class);
        assertThatThrownBy(() -> vault.version(Optional.of(2L)))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no version 2");
    }

    @Test
    @DisplayName("ls lists every entry of the tree with its type, size and metadata")
    void listMatchesTree() throws Exception {
        Vault.Version v = vault.version(Optional.empty());
        List<Vault.Listing> all = vault.list(v, "/", true);
        TreeMap<String, String> want = Trees.snapshot(source);
        assertThat(all.stream().map(Vault.Listing::path).toList()).containsExactlyInAnyOrderElementsOf(want.keySet());
        for (Vault.Listing l : all) {
            Path p = source.resolve(l.path().substring(1));
            Instant mtime = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant();
            switch (l.entry()) {
                case Tree.FileEntry f -> {
                    assertThat(f.size()).as(l.path()).isEqualTo(Files.size(p));
                    assertThat(Instant.ofEpochSecond(f.mtimeSeconds(), f.mtimeNanos())).as(l.path()).isEqualTo(mtime);
                    assertThat(Restorer.perms(f.mode())).as(l.path())
                            .isEqualTo(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                }
                case Tree.DirEntry d -> {
                    assertThat(Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).as(l.path()).isTrue();
                    assertThat(Instant.ofEpochSecond(d.mtimeSeconds(), d.mtimeNanos())).as(l.path()).isEqualTo(mtime);
                }
                case Tree.SymlinkEntry s -> assertThat(s.target()).as(l.path())
                        .isEqualTo(Files.readSymbolicLink(p).toString());
            }
        }
        // not recursive: only the root's own entries, in canonical (UTF-8 byte) order
        List<String> top = vault.list(v, "", false).stream().map(Vault.Listing::path).toList();
        assertThat(top).contains("/日本語.txt", "/ünïcödé", "/link-dir").doesNotContain("/ünïcödé/naïve café.md");
        assertThat(top).isSortedAccordingTo((a, b) -> java.util.Arrays.compareUnsigned(
                a.getBytes(java.nio.charset.StandardCharsets.UTF_8), b.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        // a single file lists as itself
        assertThat(vault.list(v, "/private/secret.txt", false)).singleElement()
                .extracting(Vault.Listing::path).isEqualTo("/private/secret.txt");
    }

    @Test
    @DisplayName("cat returns every file's exact bytes, multi-chunk and empty ones included")
    void catMatchesFiles() throws Exception {
        Vault.Version v = vault.version(Optional.empty());
        int multiChunk = 0;
        for (Vault.Listing l : vault.list(v, "/", true)) {
            if (l.entry() instanceof Tree.FileEntry f) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                vault.cat(v, l.path(), out);
                assertThat(Trees.sha256(out.toByteArray())).as(l.path())
                        .isEqualTo(Trees.sha256(source.resolve(l.path().substring(1))));
                if (f.chunks().size() > 1) {
                    multiChunk++;
                }
            }
        }
        assertThat(multiChunk).as("files with more than one chunk").isEqualTo(2);
        assertThatThrownBy(() -> vault.cat(v, "/ünïcödé", new ByteArrayOutputStream()))
                .isInstanceOf(dev.strongroom.format.InvalidInputException.class).hasMessageContaining("not a file");
    }

    @Test
    @DisplayName("names of the longest length a tree allows (255 bytes) restore")
    void longestNamesRestore() throws Exception {
        try (Client c = TestServer.open(tmp.resolve("home"))) {
            c.createVault("long names");
            try (Vault v = c.vault("long names")) {
                Path src = java.nio.file.Files.createDirectories(tmp.resolve("long-src"));
                String ascii = "a".repeat(Tree.MAX_NAME_BYTES);
                String cjk = "日".repeat(Tree.MAX_NAME_BYTES / 3);
                Files.writeString(src.resolve(ascii), "ascii");
                Files.createDirectories(src.resolve(cjk));
                Files.writeString(src.resolve(cjk).resolve(ascii), "nested");
                Vault.BackupResult r = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
                assertThat(r.warnings()).isZero();
                assertThat(r.files()).isEqualTo(2);
                Path target = tmp.resolve("long-target");
                v.restore(r.version(), "/", target, Progress.NONE);
                Trees.assertSameTree(target, src);
            }
        }
    }

    @Test
    @DisplayName("log lists versions 1..N, linked, with the counts of each backup")
    void logShowsEveryVersion() throws Exception {
        try (Client c = server.newAccount(tmp.resolve("log-home"))) {
            c.createVault("log");
            try (Vault v = c.vault("log")) {
                Path src = Trees.small(tmp.resolve("log-src"), 7, 6);
                long[][] counts = new long[4][];
                for (int i = 1; i <= 4; i++) {
                    if (i == 2) {
                        Files.writeString(src.resolve("added.txt"), "x".repeat(1234));
                    } else if (i == 3) {
                        Files.delete(src.resolve("d/f0.txt"));
                    } else if (i == 4) {
                        Files.writeString(src.resolve("f1.txt"), "changed");
                    }
                    counts[i - 1] = Trees.fileCountAndBytes(src);
                    Vault.BackupResult r = v.backup(src, BackupOptions.DEFAULT.withMessage("round " + i), Progress.NONE);
                    assertThat(r.version().seq()).isEqualTo(i);
                }
                List<Vault.Version> log = v.log();
                assertThat(log).extracting(Vault.Version::seq).containsExactly(1L, 2L, 3L, 4L);
                for (int i = 0; i < 4; i++) {
                    Vault.Version ver = log.get(i);
                    assertThat(ver.files()).as("files of version %d", i + 1).isEqualTo(counts[i][0]);
                    assertThat(ver.bytes()).as("bytes of version %d", i + 1).isEqualTo(counts[i][1]);
                    assertThat(ver.message()).isEqualTo("round " + (i + 1));
                    assertThat(ver.author()).isEqualTo(c.deviceId());
                }
                assertThat(log.stream().map(Vault.Version::hash).collect(Collectors.toSet())).hasSize(4);
                assertThat(log).extracting(Vault.Version::timeMillis).isSorted();
                assertThat(v.version(Optional.of(2L))).isEqualTo(log.get(1));
            }
            assertThat(c.vaults()).extracting(Client.VaultInfo::name).containsExactly("log");
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The entries of a snapshot below {@code prefix}, re-rooted at {@code newPrefix}. */
    static TreeMap<String, String> subSnapshot(TreeMap<String, String> s, String prefix, String newPrefix) {
        TreeMap<String, String> out = new TreeMap<>();
        s.forEach((k, v) -> {
            if (k.equals(prefix) || k.startsWith(prefix + "/")) {
                out.put(newPrefix + k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    static boolean noTemporaries(Path root) throws Exception {
        try (var s = Files.walk(root)) {
            return s.noneMatch(p -> p.getFileName().toString().contains(".strongroom-"));
        }
    }

    static List<String> union(java.util.Collection<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    static void deleteRecursively(Path p) throws Exception {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
