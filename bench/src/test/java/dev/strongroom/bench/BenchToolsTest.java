package dev.strongroom.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strongroom.crypto.Compression;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Smoke tests of the harness's helpers on tiny inputs; no benchmark runs here. */
class BenchToolsTest {
    @TempDir
    Path tmp;

    /** Relative path -> content of every regular file under {@code dir}. */
    private static Map<String, byte[]> tree(Path dir) throws IOException {
        Map<String, byte[]> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                m.put(dir.relativize(p).toString(), Files.readAllBytes(p));
            }
        }
        return m;
    }

    private static void assertSameTree(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertThat(a.keySet()).isEqualTo(b.keySet());
        a.forEach((k, v) -> assertThat(b.get(k)).as(k).isEqualTo(v));
    }

    @Nested
    @DisplayName("Corpus")
    class CorpusTest {
        @Test
        @DisplayName("text compresses well with zstd, random bytes do not, and both are deterministic")
        void compressibility() {
            byte[] text = Corpus.text(3, 1 << 20);
            byte[] random = Corpus.random(3, 1 << 20);
            assertThat(Corpus.text(3, 1 << 20)).isEqualTo(text);
            assertThat(Corpus.random(3, 1 << 20)).isEqualTo(random);
            assertThat(Corpus.random(4, 1 << 20)).isNotEqualTo(random);
            Compression.Result t = Compression.compress(text, 3);
            assertThat(t.method()).isEqualTo(Compression.ZSTD);
            assertThat(t.data().length).isLessThan(text.length / 2);
            assertThat(Compression.compress(random, 3).method()).isEqualTo(Compression.NONE);
            assertThat(new String(text, 0, 200, StandardCharsets.US_ASCII)).matches("[a-z ,.\\n]+");
        }
    }

    @Nested
    @DisplayName("Generate")
    class GenerateTest {
        @Test
        @DisplayName("the same seed and size give the same tree, of the requested size, with copies")
        void deterministic() throws IOException {
            long size = 3L << 20;
            Generate.Stats a = Generate.generate(tmp.resolve("a"), size, 5);
            Generate.generate(tmp.resolve("b"), size, 5);
            Map<String, byte[]> ta = tree(tmp.resolve("a"));
            assertSameTree(ta, tree(tmp.resolve("b")));
            long bytes = ta.values().stream().mapToLong(v -> v.length).sum();
            assertThat(bytes).isEqualTo(a.bytes()).isBetween(size * 95 / 100, size);
            assertThat(a.text()).isPositive();
            assertThat(a.random()).isPositive();
            assertThat(a.copies()).isPositive();
            assertThat(ta.keySet()).anyMatch(k -> k.startsWith("duplicates/"));
            assertThat(Files.getLastModifiedTime(tmp.resolve("a").resolve(ta.keySet().iterator().next())))
                    .isEqualTo(Files.getLastModifiedTime(tmp.resolve("b").resolve(ta.keySet().iterator().next())));
        }

        @Test
        @DisplayName("another seed gives another tree; sizes parse with K, M, G suffixes")
        void seedsAndSizes() throws IOException {
            Generate.generate(tmp.resolve("a"), 1 << 20, 1);
            Generate.generate(tmp.resolve("b"), 1 << 20, 2);
            assertThat(tree(tmp.resolve("a")).keySet()).isNotEqualTo(tree(tmp.resolve("b")).keySet());
            assertThat(Generate.parseSize("2G")).isEqualTo(2L << 30);
            assertThat(Generate.parseSize("96M")).isEqualTo(96L << 20);
            assertThat(Generate.parseSize("1.5KiB")).isEqualTo(1536);
            assertThat(Generate.parseSize("1000")).isEqualTo(1000);
        }
    }

    @Nested
    @DisplayName("Mutate")
    class MutateTest {
        @Test
        @DisplayName("changes the same ~fraction of files the same way, each one longer and different")
        void deterministic() throws IOException {
            Generate.generate(tmp.resolve("a"), 2 << 20, 9);
            Generate.generate(tmp.resolve("b"), 2 << 20, 9);
            Map<String, byte[]> before = tree(tmp.resolve("a"));
            Mutate.Result r = Mutate.mutate(tmp.resolve("a"), 0.1, 7);
            Mutate.mutate(tmp.resolve("b"), 0.1, 7);
            Map<String, byte[]> after = tree(tmp.resolve("a"));
            assertSameTree(after, tree(tmp.resolve("b")));
            assertThat(r.total()).isEqualTo(before.size());
            assertThat(r.changed()).isEqualTo((int) Math.max(1, Math.round(before.size() * 0.1)));
            List<String> changed = before.keySet().stream()
                    .filter(k -> !java.util.Arrays.equals(before.get(k), after.get(k))).toList();
            assertThat(changed).hasSize(r.changed());
            for (String k : changed) {
                assertThat(after.get(k)).hasSize(before.get(k).length + Mutate.APPEND);
            }
        }
    }

    @Nested
    @DisplayName("Report")
    class ReportTest {
        @Test
        @DisplayName("medians, strongroom's ratios to the fastest other and backup tool, failures left out, a PNG chart")
        void report() throws IOException {
            String raw = Report.RAW_HEADER + "\n"
                    + "d,1,initial,strongroom,3.0,2.0,1.0,102400,1048576,0.5,51200,0,-\n"
                    + "d,2,initial,strongroom,5.0,2.0,1.0,102400,1048576,0.7,51200,0,-\n"
                    + "d,3,initial,strongroom,4.0,2.0,1.0,102400,1048576,0.6,51200,0,-\n"
                    + "d,1,initial,restic,2.0,1.0,0.5,51200,2097152,NA,NA,0,-\n"
                    + "d,2,initial,restic,99.0,1.0,0.5,51200,2097152,NA,NA,1,-\n"
                    + "d,1,initial,rclone,1.0,1.0,0.5,51200,4194304,NA,NA,0,-\n"
                    + "d,1,restore,strongroom,1.0,1.0,0.0,102400,1048576,0.1,51200,0,ok\n"
                    + "d,1,restore,restic,4.0,1.0,0.0,51200,2097152,NA,NA,0,fail\n"
                    + "d,2,restore,restic,2.0,1.0,0.0,51200,2097152,NA,NA,0,ok\n";
            Files.writeString(tmp.resolve("raw.csv"), raw);
            Files.writeString(tmp.resolve("environment.txt"), "cpu: test\n");
            List<Report.Row> rows = Report.write(tmp);
            Report.Row sr = rows.stream().filter(r -> r.tool().equals("strongroom") && r.phase().equals("initial"))
                    .findFirst().orElseThrow();
            assertThat(sr.wall()).isEqualTo(4.0);
            assertThat(sr.cpu()).isEqualTo(3.0);
            assertThat(sr.rssMib()).isEqualTo(100.0);
            assertThat(sr.storedMib()).isEqualTo(1.0);
            assertThat(sr.serverCpu()).isEqualTo(0.6);
            Report.Row restic = rows.stream().filter(r -> r.tool().equals("restic") && r.phase().equals("initial"))
                    .findFirst().orElseThrow();
            assertThat(restic.wall()).as("the failed run is left out").isEqualTo(2.0);
            assertThat(restic.failures()).isEqualTo(1);
            assertThat(Report.ratio(rows, "d", "initial").orElseThrow()).isEqualTo(new Report.Ratio(4.0, "rclone"));
            assertThat(Report.ratioToBackupTools(rows, "d", "initial").orElseThrow())
                    .isEqualTo(new Report.Ratio(2.0, "restic"));
            assertThat(Report.ratio(rows, "d", "restore").orElseThrow().value()).isEqualTo(0.5);
            String md = Files.readString(tmp.resolve("results.md"));
            assertThat(md).contains("| d | initial backup | 4.00 | 2.00 ⚠ | 1.00 | 4.00× (rclone) | 2.00× (restic) |")
                    .contains("| d | restore | 1.00 | 2.00 ⚠ | — | 0.50× (restic) | 0.50× (restic) |")
                    .contains("cpu: test").contains("## Failures").contains("![wall-d.png](wall-d.png)");
            assertThat(Files.readString(tmp.resolve("results.csv")))
                    .contains("d,initial,strongroom,3,0,4.000,3.000,5.000,3.000,100.0,1.00,0.600,50.0,4.000,2.000");
            byte[] png = Files.readAllBytes(tmp.resolve("wall-d.png"));
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        }

        @Test
        @DisplayName("medians of odd and even counts, NaN ignored")
        void medians() {
            assertThat(Report.median(new double[] {3, 1, 2})).isEqualTo(2);
            assertThat(Report.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
            assertThat(Report.median(new double[] {Double.NaN, 7})).isEqualTo(7);
            assertThat(Report.median(new double[] {Double.NaN})).isNaN();
        }
    }

    @Nested
    @DisplayName("JmhReport")
    class JmhReportTest {
        @Test
        @DisplayName("ops/s times MiB per operation, MiB over seconds for single shots, compared with the named limit")
        void mibPerSecond() throws IOException {
            String json = """
                    [
                      {"benchmark": "dev.strongroom.bench.SealBench.boxSeal", "mode": "thrpt",
                       "params": {"mib": "64"}, "primaryMetric": {"score": 10.0, "scoreError": 0.5, "scoreUnit": "ops/s"}},
                      {"benchmark": "dev.strongroom.bench.Baselines.aesGcmEncrypt", "mode": "thrpt",
                       "params": {"mib": "64"}, "primaryMetric": {"score": 20.0, "scoreError": 1.0, "scoreUnit": "ops/s"}},
                      {"benchmark": "dev.strongroom.bench.CompressBench.compress", "mode": "thrpt",
                       "params": {"kind": "text", "level": "3", "mib": "8"},
                       "primaryMetric": {"score": 5.0, "scoreError": 0.1, "scoreUnit": "ops/s"}},
                      {"benchmark": "dev.strongroom.bench.ColdStartBench.boxOpen", "mode": "ss",
                       "params": {"mib": "256"}, "primaryMetric": {"score": 2.0, "scoreError": "NaN", "scoreUnit": "s/op"}},
                      {"benchmark": "dev.strongroom.bench.SealBench.boxOpen", "mode": "thrpt",
                       "params": {"mib": "64"}, "primaryMetric": {"score": 8.0, "scoreError": 0.5, "scoreUnit": "ops/s"}}
                    ]
                    """;
            Path f = tmp.resolve("jmh.json");
            Files.writeString(f, json);
            List<JmhReport.Result> r = JmhReport.read(f);
            assertThat(r).extracting(JmhReport.Result::mibs).containsExactly(640.0, 1280.0, 40.0, 128.0, 512.0);
            assertThat(r.get(2).params()).isEqualTo("kind=text, level=3");
            String md = JmhReport.markdown(r);
            assertThat(md).contains("| SealBench.boxSeal |  | 640 | 32 |").contains("| aesGcmEncrypt | 1280 | 50% |")
                    .contains("| aesGcmEncrypt | 1280 | 64 |")
                    .contains("| ColdStartBench.boxOpen |  | 128 | — |").contains("| SealBench.boxOpen | 512 | 25% |");
        }
    }
}
