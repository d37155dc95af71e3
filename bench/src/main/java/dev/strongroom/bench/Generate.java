package dev.strongroom.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes the {@code big} benchmark dataset: a deterministic tree (same seed and size, same
 * bytes and names) that mixes
 * <ul>
 *   <li>about 40% compressible text files (512 B to 8 MiB, many small ones),</li>
 *   <li>about 45% incompressible random files: one of about a third of that share (about
 *       300 MiB at the default 2 GiB), the rest 4 KiB to 64 MiB,</li>
 *   <li>about 15% duplicates: one whole folder copied, then single files copied elsewhere.</li>
 * </ul>
 * Modification times are fixed too, so two generated trees are identical.
 *
 * <pre>java -cp strongroom-bench.jar dev.strongroom.bench.Generate OUT [--size 2G] [--seed 1]</pre>
 * OUT must not exist or be empty.
 */
public final class Generate {
    static final long DEFAULT_SIZE = 2L << 30;
    static final long DEFAULT_SEED = 1;
    private static final long EPOCH = 1_700_000_000L;
    private static final int TOP_DIRS = 12;
    private static final int SUB_DIRS = 6;

    private Generate() {
    }

    /** One planned file: where, what kind, how big, from which content seed. */
    record Planned(String path, boolean text, long size, long seed) {
    }

    /** One planned copy of an earlier file or folder. */
    record Copy(String from, String to) {
    }

    record Plan(List<Planned> files, List<Copy> copies) {
        long bytes() {
            return files.stream().mapToLong(Planned::size).sum();
        }
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        long size = DEFAULT_SIZE;
        long seed = DEFAULT_SEED;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size" -> size = parseSize(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "-h", "--help" -> {
                    System.out.println("usage: Generate OUT [--size 2G] [--seed 1]");
                    return;
                }
                default -> {
                    if (out != null || args[i].startsWith("-")) {
                        throw new IllegalArgumentException("unexpected argument " + args[i]);
                    }
                    out = Path.of(args[i]);
                }
            }
        }
        if (out == null) {
            throw new IllegalArgumentException("usage: Generate OUT [--size 2G] [--seed 1]");
        }
        long t0 = System.nanoTime();
        Stats s = generate(out, size, seed);
        System.out.printf(Locale.ROOT, "generated %s: %d files (%d text, %d random, %d copied), %.1f MiB in %.1f s%n",
                out, s.files, s.text, s.random, s.copies, s.bytes / 1048576.0, (System.nanoTime() - t0) / 1e9);
    }

    /** Parses 123, 64K, 512M, 2G (powers of 1024). */
    static long parseSize(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT).replace("IB", "").replace("B", "");
        long mul = 1;
        char last = t.charAt(t.length() - 1);
        switch (last) {
            case 'K' -> mul = 1L << 10;
            case 'M' -> mul = 1L << 20;
            case 'G' -> mul = 1L << 30;
            case 'T' -> mul = 1L << 40;
            default -> {
            }
        }
        if (mul != 1) {
            t = t.substring(0, t.length() - 1);
        }
        return Math.round(Double.parseDouble(t) * mul);
    }

    record Stats(long files, long text, long random, long copies, long bytes) {
    }

    static Plan plan(long total, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Planned> files = new ArrayList<>();
        List<Copy> copies = new ArrayList<>();
        long textBudget = total * 40 / 100;
        long randomBudget = total * 45 / 100;
        List<Planned> text = new ArrayList<>();
        long left = textBudget;
        int n = 0;
        while (left > 0) {
            long sz = Math.min(left, logUniform(r, 512, 8L << 20));
            text.add(new Planned(dir(r) + String.format(Locale.ROOT, "notes-%05d.txt", n++), true, sz, r.nextLong()));
            left -= sz;
        }
        List<Planned> random = new ArrayList<>();
        left = randomBudget;
        long first = Math.min(left, Math.max(4096, randomBudget / 3));
        random.add(new Planned(dir(r) + "blob-00000.bin", false, first, r.nextLong()));
        left -= first;
        n = 1;
        while (left > 0) {
            long sz = Math.min(left, logUniform(r, 4096, 64L << 20));
            random.add(new Planned(dir(r) + String.format(Locale.ROOT, "blob-%05d.bin", n++), false, sz, r.nextLong()));
            left -= sz;
        }
        // interleave the two kinds deterministically, so folders hold both
        int ti = 0;
        int ri = 0;
        while (ti < text.size() || ri < random.size()) {
            boolean takeText = ri >= random.size() || (ti < text.size() && r.nextInt(text.size() + random.size()) < text.size());
            files.add(takeText ? text.get(ti++) : random.get(ri++));
        }
        long dupBudget = Math.max(0, total - textBudget - randomBudget);
        // a whole folder duplicated: the smallest top folder that fits half the duplicate budget
        long bestSize = Long.MAX_VALUE;
        String best = null;
        for (int d = 0; d < TOP_DIRS; d++) {
            String prefix = topDir(d) + "/";
            long sz = files.stream().filter(f -> f.path().startsWith(prefix)).mapToLong(Planned::size).sum();
            if (sz > 0 && sz <= dupBudget / 2 && sz < bestSize) {
                bestSize = sz;
                best = topDir(d);
            }
        }
        if (best != null) {
            copies.add(new Copy(best, "copy-of-" + best));
            dupBudget -= bestSize;
        }
        // then single files copied into a separate folder, until the budget is spent
        int tries = 0;
        int c = 0;
        while (dupBudget > 0 && tries++ < 100_000) {
            Planned p = files.get(r.nextInt(files.size()));
            if (p.size() > dupBudget) {
                continue;
            }
            String name = p.path().substring(p.path().lastIndexOf('/') + 1);
            copies.add(new Copy(p.path(), String.format(Locale.ROOT, "duplicates/%04d-%s", c++, name)));
            dupBudget -= p.size();
        }
        return new Plan(files, copies);
    }

    private static String topDir(int i) {
        return String.format(Locale.ROOT, "set-%02d", i);
    }

    private static String dir(SplittableRandom r) {
        int top = r.nextInt(TOP_DIRS);
        int sub = r.nextInt(SUB_DIRS + 1); // SUB_DIRS means "directly in the top folder"
        return sub == SUB_DIRS ? topDir(top) + "/" : topDir(top) + String.format(Locale.ROOT, "/part-%d/", sub);
    }

    /** Log-uniform in [lo, hi]: as many files between 1 and 2 KiB as between 1 and 2 MiB. */
    private static long logUniform(SplittableRandom r, long lo, long hi) {
        double x = Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo));
        return Math.max(lo, Math.min(hi, Math.round(Math.exp(x))));
    }

    static Stats generate(Path out, long total, long seed) throws IOException {
        if (Files.exists(out)) {
            try (var s = Files.list(out)) {
                if (s.findAny().isPresent()) {
                    throw new IOException(out + " exists and is not empty");
                }
            }
        }
        Files.createDirectories(out);
        Plan plan = plan(total, seed);
        byte[] buf = new byte[1 << 20];
        long bytes = 0;
        long text = 0;
        long random = 0;
        int i = 0;
        for (Planned p : plan.files()) {
            Path f = out.resolve(p.path());
            Files.createDirectories(f.getParent());
            SplittableRandom r = new SplittableRandom(p.seed());
            try (OutputStream o = Files.newOutputStream(f)) {
                for (long done = 0; done < p.size(); ) {
                    int len = (int) Math.min(buf.length, p.size() - done);
                    if (p.text()) {
                        Corpus.text(r, buf, 0, len);
                    } else {
                        Corpus.random(r, buf, 0, len);
                    }
                    o.write(buf, 0, len);
                    done += len;
                }
            }
            Files.setLastModifiedTime(f, FileTime.fromMillis((EPOCH + i++) * 1000));
            bytes += p.size();
            if (p.text()) {
                text++;
            } else {
                random++;
            }
        }
        long[] copied = new long[2];
        for (Copy c : plan.copies()) {
            copyTree(out.resolve(c.from()), out.resolve(c.to()), copied);
        }
        bytes += copied[1];
        // folders last, so their times are not changed by what was written into them
        List<Path> dirs;
        try (var s = Files.walk(out)) {
            dirs = s.filter(Files::isDirectory).sorted().toList();
        }
        for (Path d : dirs.reversed()) {
            Files.setLastModifiedTime(d, FileTime.fromMillis(EPOCH * 1000));
        }
        return new Stats(text + random + copied[0], text, random, copied[0], bytes);
    }

    /** Copies a file or a folder tree (with times); adds files and bytes copied to {@code count}. */
    private static void copyTree(Path from, Path to, long[] count) throws IOException {
        Files.createDirectories(to.getParent());
        if (!Files.isDirectory(from)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
            count[0]++;
            count[1] += Files.size(to);
            return;
        }
        List<Path> all;
        try (var s = Files.walk(from)) {
            all = s.sorted().toList();
        }
        for (Path p : all) {
            Path t = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(t);
            } else {
                Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                count[0]++;
                count[1] += Files.size(t);
            }
        }
    }
}
