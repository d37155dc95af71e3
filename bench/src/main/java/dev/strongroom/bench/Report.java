package dev.strongroom.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Turns the raw measurements of bench/compare.sh ({@code raw.csv}: one line per dataset, run,
 * phase and tool) into medians: {@code results.csv}, {@code results.md} (a wall-time summary
 * with strongroom's ratio to the fastest other tool, then every figure) and one PNG bar chart
 * of wall time per dataset ({@code wall-DATASET.png}).
 *
 * <pre>java -cp strongroom-bench.jar dev.strongroom.bench.Report RESULTS_DIR</pre>
 * Reads RESULTS_DIR/raw.csv and, if present, RESULTS_DIR/environment.txt.
 */
public final class Report {
    static final String RAW_HEADER = "dataset,run,phase,tool,wall_s,user_s,sys_s,peak_rss_kib,stored_bytes,"
            + "server_cpu_s,server_peak_rss_kib,exit_code,check";
    static final String STRONGROOM = "strongroom";
    /** The one compared tool that is a mirror, not a versioned backup. */
    static final String MIRROR = "rclone";
    private static final Map<String, String> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put("initial", "initial backup");
        PHASES.put("unchanged", "no-change backup");
        PHASES.put("changed", "backup after ~1% changed");
        PHASES.put("restore", "restore");
    }

    private Report() {
    }

    /** One measured command. Server figures are NaN for tools without a server. */
    record Raw(String dataset, int run, String phase, String tool, double wall, double user, double sys,
               double rssKib, double stored, double serverCpu, double serverRssKib, int exit, String check) {
        double cpu() {
            return user + sys;
        }

        boolean failed() {
            return exit != 0 || check.equals("fail");
        }
    }

    /** Medians over the runs of one dataset, phase and tool. */
    record Row(String dataset, String phase, String tool, int runs, int failures, double wall, double wallMin,
               double wallMax, double cpu, double rssMib, double storedMib, double serverCpu, double serverRssMib) {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: Report RESULTS_DIR (reads RESULTS_DIR/raw.csv)");
        }
        Path dir = Path.of(args[0]);
        List<Row> rows = write(dir);
        System.out.println("wrote " + dir.resolve("results.md") + ", results.csv and " + datasets(rows).size()
                + " chart(s)");
    }

    static List<Row> write(Path dir) throws IOException {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true"); // charts are drawn off screen, also where DISPLAY is set
        }
        List<Raw> raw = read(dir.resolve("raw.csv"));
        List<Row> rows = summarize(raw);
        Files.writeString(dir.resolve("results.csv"), csv(rows), StandardCharsets.UTF_8);
        Path envFile = dir.resolve("environment.txt");
        String env = Files.exists(envFile) ? Files.readString(envFile, StandardCharsets.UTF_8) : "";
        List<String> charts = new ArrayList<>();
        for (String d : datasets(rows)) {
            String name = "wall-" + d.replaceAll("[^A-Za-z0-9._-]", "_") + ".png";
            chart(rows, d).ifPresent(c -> {
                try {
                    BitmapEncoder.saveBitmap(c, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                charts.add(name);
            });
        }
        Files.writeString(dir.resolve("results.md"), markdown(rows, raw, env, charts), StandardCharsets.UTF_8);
        return rows;
    }

    static List<Raw> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.getFirst().trim().equals(RAW_HEADER)) {
            throw new IOException(csv + ": expected the header " + RAW_HEADER);
        }
        List<Raw> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 13) {
                throw new IOException(csv + ": expected 13 fields: " + line);
            }
            out.add(new Raw(f[0], Integer.parseInt(f[1]), f[2], f[3], num(f[4]), num(f[5]), num(f[6]), num(f[7]),
                    num(f[8]), num(f[9]), num(f[10]), Integer.parseInt(f[11]), f[12]));
        }
        return out;
    }

    private static double num(String s) {
        return s.isBlank() || s.equals("NA") ? Double.NaN : Double.parseDouble(s);
    }

    static double median(double[] v) {
        double[] x = Arrays.stream(v).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (x.length == 0) {
            return Double.NaN;
        }
        int m = x.length / 2;
        return x.length % 2 == 1 ? x[m] : (x[m - 1] + x[m]) / 2;
    }

    static List<Row> summarize(List<Raw> raw) {
        Map<String, List<Raw>> groups = new LinkedHashMap<>();
        // order: datasets and tools as they first appear, phases in pipeline order
        for (String d : new LinkedHashSet<>(raw.stream().map(Raw::dataset).toList())) {
            for (String p : phases(raw)) {
                for (String t : tools(raw)) {
                    List<Raw> g = raw.stream().filter(r -> r.dataset().equals(d) && r.phase().equals(p)
                            && r.tool().equals(t)).toList();
                    if (!g.isEmpty()) {
                        groups.put(d + "\n" + p + "\n" + t, g);
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        for (List<Raw> g : groups.values()) {
            Raw f = g.getFirst();
            // failed runs are reported, not averaged in
            List<Raw> ok = g.stream().filter(r -> !r.failed()).toList();
            List<Raw> use = ok.isEmpty() ? g : ok;
            double[] wall = use.stream().mapToDouble(Raw::wall).toArray();
            rows.add(new Row(f.dataset(), f.phase(), f.tool(), g.size(), g.size() - ok.size(), median(wall),
                    Arrays.stream(wall).min().orElse(Double.NaN), Arrays.stream(wall).max().orElse(Double.NaN),
                    median(use.stream().mapToDouble(Raw::cpu).toArray()),
                    median(use.stream().mapToDouble(Raw::rssKib).toArray()) / 1024,
                    median(use.stream().mapToDouble(Raw::stored).toArray()) / 1048576,
                    median(use.stream().mapToDouble(Raw::serverCpu).toArray()),
                    median(use.stream().mapToDouble(Raw::serverRssKib).toArray()) / 1024));
        }
        return rows;
    }

    private static List<String> phases(List<Raw> raw) {
        Set<String> seen = new LinkedHashSet<>();
        for (String p : PHASES.keySet()) {
            if (raw.stream().anyMatch(r -> r.phase().equals(p))) {
                seen.add(p);
            }
        }
        raw.forEach(r -> seen.add(r.phase()));
        return List.copyOf(seen);
    }

    private static List<String> tools(List<Raw> raw) {
        Set<String> seen = new LinkedHashSet<>();
        if (raw.stream().anyMatch(r -> r.tool().equals(STRONGROOM))) {
            seen.add(STRONGROOM);
        }
        raw.forEach(r -> seen.add(r.tool()));
        return List.copyOf(seen);
    }

    private static List<String> datasets(List<Row> rows) {
        return List.copyOf(new LinkedHashSet<>(rows.stream().map(Row::dataset).toList()));
    }

    private static String label(String phase) {
        return PHASES.getOrDefault(phase, phase);
    }

    /** Strongroom's median wall time over the fastest other tool's, for one dataset and phase. */
    static Optional<Ratio> ratio(List<Row> rows, String dataset, String phase) {
        return ratio(rows, dataset, phase, t -> true);
    }

    /**
     * As {@link #ratio(List, String, String)} against the versioned backup tools only: rclone
     * mirrors files (no history, no deduplication), so it is left out.
     */
    static Optional<Ratio> ratioToBackupTools(List<Row> rows, String dataset, String phase) {
        return ratio(rows, dataset, phase, t -> !t.equals(MIRROR));
    }

    private static Optional<Ratio> ratio(List<Row> rows, String dataset, String phase,
                                         java.util.function.Predicate<String> others) {
        Optional<Row> sr = rows.stream().filter(r -> r.dataset().equals(dataset) && r.phase().equals(phase)
                && r.tool().equals(STRONGROOM)).findFirst();
        Optional<Row> best = rows.stream().filter(r -> r.dataset().equals(dataset) && r.phase().equals(phase)
                && !r.tool().equals(STRONGROOM) && others.test(r.tool()) && !Double.isNaN(r.wall()))
                .min((a, b) -> Double.compare(a.wall(), b.wall()));
        if (sr.isEmpty() || best.isEmpty() || best.get().wall() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new Ratio(sr.get().wall() / best.get().wall(), best.get().tool()));
    }

    record Ratio(double value, String tool) {
        String text() {
            return String.format(Locale.ROOT, "%.2f× (%s)", value, tool);
        }
    }

    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder("dataset,phase,tool,runs,failures,wall_s_median,wall_s_min,wall_s_max,"
                + "cpu_s_median,peak_rss_mib_median,stored_mib_median,server_cpu_s_median,server_peak_rss_mib_median,"
                + "strongroom_vs_fastest_other,strongroom_vs_fastest_backup_tool\n");
        for (Row r : rows) {
            boolean sr = r.tool().equals(STRONGROOM);
            String ratio = sr ? ratio(rows, r.dataset(), r.phase()).map(x -> fmt(x.value(), 3)).orElse("") : "";
            String ratioBackup = sr ? ratioToBackupTools(rows, r.dataset(), r.phase()).map(x -> fmt(x.value(), 3))
                    .orElse("") : "";
            sb.append(String.join(",", r.dataset(), r.phase(), r.tool(), Integer.toString(r.runs()),
                    Integer.toString(r.failures()), fmt(r.wall(), 3), fmt(r.wallMin(), 3), fmt(r.wallMax(), 3),
                    fmt(r.cpu(), 3), fmt(r.rssMib(), 1), fmt(r.storedMib(), 2), fmt(r.serverCpu(), 3),
                    fmt(r.serverRssMib(), 1), ratio, ratioBackup)).append('\n');
        }
        return sb.toString();
    }

    private static String fmt(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String cell(double v, int decimals) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    static String markdown(List<Row> rows, List<Raw> raw, String env, List<String> charts) {
        List<String> tools = tools(raw);
        int runs = rows.stream().mapToInt(Row::runs).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        sb.append("# Strongroom vs ").append(String.join(", ", tools.stream().filter(t -> !t.equals(STRONGROOM))
                .toList())).append("\n\n");
        sb.append("Medians of ").append(runs).append(" run(s) per dataset, phase and tool (bench/compare.sh). ")
                .append("Wall and CPU time in seconds (CPU = user + sys of the client process); peak RSS of the ")
                .append("client process; stored = bytes in the repository (strongroom: the server's data folder) ")
                .append("after the phase. For strongroom the main figures are the client's (`java -jar ")
                .append("strongroom.jar`, JVM start included); its HTTPS server on loopback is measured separately ")
                .append("(server CPU during the phase, server peak RSS). Ratio = strongroom's wall time ÷ the ")
                .append("fastest other tool's (below 1: strongroom is faster); the last column leaves out rclone, ")
                .append("which mirrors files without history or deduplication.\n\n");
        if (!env.isBlank()) {
            sb.append("```\n").append(env.strip()).append("\n```\n\n");
        }
        sb.append("## Wall time (s, median)\n\n| dataset | phase |");
        tools.forEach(t -> sb.append(' ').append(t).append(" |"));
        sb.append(" strongroom ÷ fastest other | strongroom ÷ fastest backup tool |\n|---|---|");
        tools.forEach(t -> sb.append("---:|"));
        sb.append("---:|---:|\n");
        for (String d : datasets(rows)) {
            for (String p : phases(raw)) {
                if (rows.stream().noneMatch(r -> r.dataset().equals(d) && r.phase().equals(p))) {
                    continue;
                }
                sb.append("| ").append(d).append(" | ").append(label(p)).append(" |");
                for (String t : tools) {
                    Optional<Row> r = rows.stream().filter(x -> x.dataset().equals(d) && x.phase().equals(p)
                            && x.tool().equals(t)).findFirst();
                    sb.append(' ').append(r.map(x -> cell(x.wall(), 2) + (x.failures() > 0 ? " ⚠" : "")).orElse("—"))
                            .append(" |");
                }
                sb.append(' ').append(ratio(rows, d, p).map(Ratio::text).orElse("—")).append(" | ")
                        .append(ratioToBackupTools(rows, d, p).map(Ratio::text).orElse("—")).append(" |\n");
            }
        }
        sb.append("\n## All figures (medians)\n\n")
                .append("| dataset | phase | tool | wall s | wall min–max | CPU s | peak RSS MiB | stored MiB ")
                .append("| ratio vs fastest other | server CPU s | server peak RSS MiB |\n")
                .append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Row r : rows) {
            boolean sr = r.tool().equals(STRONGROOM);
            sb.append("| ").append(r.dataset()).append(" | ").append(label(r.phase())).append(" | ").append(r.tool())
                    .append(" | ").append(cell(r.wall(), 2)).append(" | ").append(cell(r.wallMin(), 2)).append("–")
                    .append(cell(r.wallMax(), 2)).append(" | ").append(cell(r.cpu(), 2)).append(" | ")
                    .append(cell(r.rssMib(), 0)).append(" | ").append(cell(r.storedMib(), 1)).append(" | ")
                    .append(sr ? ratio(rows, r.dataset(), r.phase()).map(Ratio::text).orElse("—") : "")
                    .append(" | ").append(sr ? cell(r.serverCpu(), 2) : "").append(" | ")
                    .append(sr ? cell(r.serverRssMib(), 0) : "").append(" |\n");
        }
        List<Raw> failed = raw.stream().filter(Raw::failed).toList();
        if (!failed.isEmpty()) {
            sb.append("\n## Failures (left out of the medians)\n\n| dataset | run | phase | tool | exit code | restore check |\n")
                    .append("|---|---:|---|---|---:|---|\n");
            for (Raw f : failed) {
                sb.append("| ").append(f.dataset()).append(" | ").append(f.run()).append(" | ").append(label(f.phase()))
                        .append(" | ").append(f.tool()).append(" | ").append(f.exit()).append(" | ").append(f.check())
                        .append(" |\n");
            }
        }
        if (!charts.isEmpty()) {
            sb.append("\n## Charts\n\n");
            charts.forEach(c -> sb.append("![").append(c).append("](").append(c).append(")\n\n"));
        }
        return sb.toString();
    }

    static Optional<CategoryChart> chart(List<Row> rows, String dataset) {
        List<Row> mine = rows.stream().filter(r -> r.dataset().equals(dataset)).toList();
        if (mine.isEmpty()) {
            return Optional.empty();
        }
        List<String> phases = List.copyOf(new LinkedHashSet<>(mine.stream().map(Row::phase).toList()));
        List<String> tools = List.copyOf(new LinkedHashSet<>(mine.stream().map(Row::tool).toList()));
        int runs = mine.stream().mapToInt(Row::runs).max().orElse(0);
        CategoryChart c = new CategoryChartBuilder().width(1000).height(560)
                .title("Wall time, dataset '" + dataset + "' (median of " + runs + " run" + (runs == 1 ? "" : "s")
                        + ", lower is better)")
                .xAxisTitle("phase").yAxisTitle("seconds").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setLabelsVisible(true);
        c.getStyler().setLabelsFontColorAutomaticEnabled(false);
        c.getStyler().setLabelsFontColor(java.awt.Color.DARK_GRAY);
        c.getStyler().setLabelsPosition(0.95);
        c.getStyler().setDecimalPattern("#0.00");
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setPlotGridVerticalLinesVisible(false);
        List<String> labels = phases.stream().map(Report::label).toList();
        for (String t : tools) {
            List<Double> y = new ArrayList<>();
            for (String p : phases) {
                y.add(mine.stream().filter(r -> r.phase().equals(p) && r.tool().equals(t)).findFirst()
                        .map(Row::wall).filter(v -> !Double.isNaN(v)).orElse(0.0));
            }
            c.addSeries(t, labels, y);
        }
        return Optional.of(c);
    }
}
