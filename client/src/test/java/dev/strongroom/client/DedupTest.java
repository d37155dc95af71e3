package dev.strongroom.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.format.Tree;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Deduplication and history: what a second backup uploads, and what older versions restore to. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Deduplication and versions")
class DedupTest {
    Path tmp;
    TestServer server;
    Client client;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        tmp = dir;
        server = TestServer.plain(tmp.resolve("server"));
        client = server.newAccount(tmp.resolve("home"));
    }

    @AfterAll
    void stop() throws Exception {
        client.close();
        server.close();
    }

    private Vault newVault(String name) {
        client.createVault(name);
        return client.vault(name);
    }

    @Test
    @DisplayName("a second backup of an unchanged tree uploads nothing and stores nothing new")
    void unchangedTreeUploadsNothing() throws Exception {
        try (Vault v = newVault("unchanged")) {
            Path src = Trees.varied(tmp.resolve("unchanged-src"), 11, 2, 3 * Trees.MIB, 5 * Trees.MIB);
            Vault.BackupResult first = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            long stored1 = server.storedPackBytes(v.id());
            Verifier.Report r1 = v.verify(Progress.NONE);
            assertThat(r1.packBytes()).as("pack bytes listed by the server = pack bytes on its disk").isEqualTo(stored1);
            assertThat(first.newBytes()).isGreaterThan(first.bytes() / 2);

            Vault.BackupResult second = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            assertThat(second.version().seq()).isEqualTo(2);
            assertThat(second.files()).isEqualTo(first.files());
            assertThat(second.bytes()).isEqualTo(first.bytes());
            assertThat(second.newBytes()).as("bytes uploaded by the second backup").isLessThan(first.newBytes() / 100);
            long stored2 = server.storedPackBytes(v.id());
            assertThat(stored2 - stored1).as("growth of the server's pack folder").isLessThan(stored1 / 100);
            Verifier.Report r2 = v.verify(Progress.NONE);
            assertThat(r2.packBytes() - r1.packBytes()).isLessThan(r1.packBytes() / 100);
            assertThat(r2.versions()).isEqualTo(2);
            assertThat(r2.ok()).isTrue();
            assertThat(second.version().root()).as("the same tree has the same root").isEqualTo(first.version().root());
        }
    }

    @Test
    @DisplayName("a second handle (cold caches) of an unchanged tree also uploads almost nothing")
    void unchangedTreeColdCaches() throws Exception {
        Vault.BackupResult first;
        Path src = Trees.varied(tmp.resolve("cold-src"), 12, 1, 3 * Trees.MIB, 4 * Trees.MIB);
        try (Vault v = newVault("cold")) {
            first = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
        }
        RoundTripTest.deleteRecursively(client.home().cacheDir());
        try (Client c2 = TestServer.open(tmp.resolve("home")); Vault v = c2.vault("cold")) {
            Vault.BackupResult second = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            assertThat(second.newBytes()).isLessThan(first.newBytes() / 100);
            assertThat(second.version().root()).isEqualTo(first.version().root());
        }
    }

    @Test
    @DisplayName("changing a few bytes of a big file uploads a small fraction; old and new versions restore exactly")
    void changedFileUploadsLittleAndHistoryRestores() throws Exception {
        try (Vault v = newVault("changes")) {
            Path src = Trees.varied(tmp.resolve("changes-src"), 13, 0);
            Path big = src.resolve("big.bin");
            Trees.randomFile(big, 99, 16 * Trees.MIB);
            Vault.BackupResult first = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            TreeMap<String, String> original = Trees.snapshot(src);
            long stored1 = server.storedPackBytes(v.id());

            // overwrite 100 bytes in the middle of the 16 MiB file
            try (FileChannel ch = FileChannel.open(big, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(Trees.randomBytes(7, 100)), 8L * Trees.MIB + 12345);
            }
            Files.setLastModifiedTime(big, FileTime.from(Instant.ofEpochSecond(1_800_000_000L, 1)));
            Vault.BackupResult second = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            TreeMap<String, String> changed = Trees.snapshot(src);
            assertThat(changed).isNotEqualTo(original);
            assertThat(second.newBytes()).as("bytes uploaded after a 100-byte change").isPositive()
                    .isLessThan(first.newBytes() * 2 / 5);
            long stored2 = server.storedPackBytes(v.id());
            assertThat(stored2 - stored1).isLessThan(stored1 * 2 / 5);

            // the big file's chunk lists share all but a few chunks
            Tree.FileEntry f1 = (Tree.FileEntry) v.list(v.version(Optional.of(1L)), "/big.bin", false).getFirst().entry();
            Tree.FileEntry f2 = (Tree.FileEntry) v.list(v.version(Optional.of(2L)), "/big.bin", false).getFirst().entry();
            assertThat(f1.chunks().size()).isGreaterThan(4);
            List<Tree.ChunkRef> fresh = f2.chunks().stream().filter(c -> !f1.chunks().contains(c)).toList();
            assertThat(fresh).as("chunks of the changed file that version 1 did not have").isNotEmpty().hasSizeLessThan(4);

            // deleting files: the next version lacks them
            Files.delete(src.resolve("日本語.txt"));
            RoundTripTest.deleteRecursively(src.resolve("nested"));
            Vault.BackupResult third = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            TreeMap<String, String> afterDelete = Trees.snapshot(src);
            assertThat(third.newBytes()).isLessThan(first.newBytes() / 100);
            Vault.Version v3 = third.version();
            assertThat(v.list(v3, "/", true)).extracting(Vault.Listing::path)
                    .doesNotContain("/日本語.txt", "/nested", "/nested/a/b/c/d.txt").contains("/big.bin");
            assertThat(third.files()).isEqualTo(first.files() - 2);

            // every version restores to exactly what was backed up then
            Path r1 = tmp.resolve("changes-r1");
            Path r2 = tmp.resolve("changes-r2");
            Path r3 = tmp.resolve("changes-r3");
            v.restore(v.version(Optional.of(1L)), "/", r1, Progress.NONE);
            v.restore(v.version(Optional.of(2L)), "/", r2, Progress.NONE);
            v.restore(v.version(Optional.of(3L)), "/", r3, Progress.NONE);
            assertThat(Trees.snapshot(r1)).isEqualTo(original);
            assertThat(Trees.snapshot(r2)).isEqualTo(changed);
            assertThat(Trees.snapshot(r3)).isEqualTo(afterDelete);

            // and cat of the old version still gives the old bytes
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            v.cat(v.version(Optional.of(1L)), "/big.bin", out);
            assertThat(Trees.sha256(out.toByteArray())).isEqualTo(Trees.sha256(Trees.randomBytes(99, 16 * Trees.MIB)));
            assertThat(v.verify(Progress.NONE).versions()).isEqualTo(3);
        }
    }

    @Test
    @DisplayName("identical contents under different names are stored once")
    void identicalFilesStoredOnce() throws Exception {
        try (Vault v = newVault("copies")) {
            Path src = Files.createDirectories(tmp.resolve("copies-src"));
            byte[] data = Trees.randomBytes(5, 4 * Trees.MIB);
            Files.write(src.resolve("a.bin"), data);
            Files.createDirectories(src.resolve("sub"));
            Files.write(src.resolve("sub/b.bin"), data);
            Files.write(src.resolve("c.bin"), data);
            Vault.BackupResult r = v.backup(src, BackupOptions.DEFAULT, Progress.NONE);
            assertThat(r.bytes()).isEqualTo(3L * data.length);
            assertThat(r.newBytes()).as("one copy plus overhead").isLessThan(data.length + data.length / 10);
            assertThat(server.storedPackBytes(v.id())).isLessThan(2L * data.length);
        }
    }
}
