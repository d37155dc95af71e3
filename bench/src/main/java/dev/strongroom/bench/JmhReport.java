package dev.strongroom.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Turns JMH's JSON results ({@code -rf json}) into MiB/s and compares each Strongroom
 * benchmark with the machine's limit measured in the same run ({@link Baselines}). Every
 * benchmark here processes {@code mib} MiB per operation (its {@code mib} parameter, 64 by
 * default), so MiB/s = ops/s × mib; single-shot benchmarks ({@link ColdStartBench}) give
 * seconds per pass, so MiB/s = mib / seconds.
 *
 * <pre>java -cp strongroom-bench.jar dev.strongroom.bench.JmhReport [-o jmh.md] steady.json [cold.json]</pre>
 */
public final class JmhReport {
    /** For each Strongroom benchmark, the baseline it is compared with, and why. */
    static final Map<String, String[]> LIMITS = new LinkedHashMap<>();

    static {
        LIMITS.put("ChunkerBench.cut", new String[] {"Baselines.memcpy", "FastCDC cut points only"});
        LIMITS.put("ChunkerBench.stream", new String[] {"Baselines.memcpy", "ChunkStream: read, cut, copy each chunk out"});
        LIMITS.put("ObjectIdBench.objectId", new String[] {"Baselines.hmacSha256",
            "VaultKey.objectId (HMAC-SHA256, new Mac per call)"});
        LIMITS.put("CompressBench.compress", new String[] {"Baselines.memcpy", "Compression.compress (zstd-jni)"});
        LIMITS.put("SealBench.boxSeal", new String[] {"Baselines.aesGcmEncrypt",
            "SymmetricKey.seal: HKDF + commitment + AES-GCM"});
        LIMITS.put("SealBench.boxOpen", new String[] {"Baselines.aesGcmDecrypt",
            "SymmetricKey.open: HKDF + commitment check + AES-GCM"});
        LIMITS.put("SealBench.vaultSeal", new String[] {"Baselines.aesGcmEncrypt", "VaultKey.seal: box + re-open + id check"});
        LIMITS.put("SealBench.vaultOpen", new String[] {"Baselines.aesGcmDecrypt", "VaultKey.open: open + id check"});
        LIMITS.put("PackWriterBench.packWriter", new String[] {"Baselines.sha256",
            "PackWriter: copy, pad, SHA-256, sealed header"});
        LIMITS.put("PipelineBench.pipeline", new String[] {"Baselines.hmacThenGcm",
            "chunk + id + zstd (default level) + seal/verify + pack, 1 thread"});
        LIMITS.put("ColdStartBench.vaultSeal", new String[] {"SealBench.vaultSeal",
            "VaultKey.seal, one pass in a fresh JVM (no warm-up)"});
        LIMITS.put("ColdStartBench.boxOpen", new String[] {"SealBench.boxOpen",
            "SymmetricKey.open, one pass in a fresh JVM (no warm-up)"});
    }

    private JmhReport() {
    }

    /** One benchmark result in MiB/s. */
    record Result(String name, String params, double mibs, double error) {
    }

    public static void main(String[] args) throws IOException {
        List<Result> all = new ArrayList<>();
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-o")) {
                out = Path.of(args[++i]);
            } else {
                all.addAll(read(Path.of(args[i])));
            }
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("usage: JmhReport [-o out.md] jmh.json...");
        }
        String md = markdown(all);
        if (out != null) {
            Files.writeString(out, md, StandardCharsets.UTF_8);
        }
        System.out.print(md);
    }

    static List<Result> read(Path json) throws IOException {
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<Result> out = new ArrayList<>();
        for (JsonNode b : root) {
            String full = b.path("benchmark").asText();
            String[] parts = full.split("\\.");
            String name = parts.length >= 2 ? parts[parts.length - 2] + "." + parts[parts.length - 1] : full;
            JsonNode params = b.path("params");
            int mib = params.has("mib") ? params.get("mib").asInt() : 64;
            StringBuilder p = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = params.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("mib")) {
                    p.append(p.isEmpty() ? "" : ", ").append(e.getKey()).append('=').append(e.getValue().asText());
                }
            }
            JsonNode m = b.path("primaryMetric");
            String unit = m.path("scoreUnit").asText();
            double score = m.path("score").asDouble();
            double err = m.path("scoreError").asDouble(Double.NaN);
            switch (unit) {
                case "ops/s" -> out.add(new Result(name, p.toString(), score * mib, err * mib));
                // single-shot: seconds per pass; the error of a rate is not symmetric, leave it out
                case "s/op" -> out.add(new Result(name, p.toString(), mib / score, Double.NaN));
                default -> throw new IOException(full + ": expected ops/s or s/op, got " + unit
                        + " (keep the benchmarks' own time units)");
            }
        }
        return out;
    }

    private static Optional<Result> baseline(List<Result> all, String name) {
        return all.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    private static String mibs(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f", v);
    }

    static String markdown(List<Result> all) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark | parameters | MiB/s | ± | what | compared with | limit MiB/s | % of limit |\n")
                .append("|---|---|---:|---:|---|---|---:|---:|\n");
        for (Result r : all) {
            if (r.name().startsWith("Baselines.")) {
                continue;
            }
            String[] lim = LIMITS.getOrDefault(r.name(), new String[] {"Baselines.memcpy", ""});
            Optional<Result> b = baseline(all, lim[0]);
            sb.append("| ").append(r.name()).append(" | ").append(r.params()).append(" | ").append(mibs(r.mibs()))
                    .append(" | ").append(mibs(r.error())).append(" | ").append(lim[1]).append(" | ")
                    .append(lim[0].replace("Baselines.", ""))
                    .append(" | ").append(b.map(x -> mibs(x.mibs())).orElse("—")).append(" | ")
                    .append(b.map(x -> String.format(Locale.ROOT, "%.0f%%", 100 * r.mibs() / x.mibs())).orElse("—"))
                    .append(" |\n");
        }
        sb.append("\nLimits measured in the same run (JDK providers, objects reused, 1 MiB slices):\n\n")
                .append("| baseline | MiB/s | ± |\n|---|---:|---:|\n");
        for (Result r : all) {
            if (r.name().startsWith("Baselines.")) {
                sb.append("| ").append(r.name().substring("Baselines.".length())).append(" | ").append(mibs(r.mibs()))
                        .append(" | ").append(mibs(r.error())).append(" |\n");
            }
        }
        return sb.toString();
    }
}
