package dev.strongroom.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Changes a fixed-seed choice of about {@code fraction} of the regular files under DIR (at
 * least one): each chosen file gets {@value #ALTER} random bytes overwritten in its middle
 * (all of it when smaller) and {@value #APPEND} random bytes appended, so its content, size
 * and modification time change. Symlinks are never followed. The choice depends only on the
 * sorted list of paths and the seed.
 *
 * <pre>java -cp strongroom-bench.jar dev.strongroom.bench.Mutate DIR [--fraction 0.01] [--seed 7]</pre>
 */
public final class Mutate {
    static final int ALTER = 64;
    static final int APPEND = 64;

    private Mutate() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = null;
        double fraction = 0.01;
        long seed = 7;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fraction" -> fraction = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    if (dir != null || args[i].startsWith("-")) {
                        throw new IllegalArgumentException("usage: Mutate DIR [--fraction 0.01] [--seed 7]");
                    }
                    dir = Path.of(args[i]);
                }
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("usage: Mutate DIR [--fraction 0.01] [--seed 7]");
        }
        Result r = mutate(dir, fraction, seed);
        System.out.printf(Locale.ROOT, "changed %d of %d files (%.2f%%) under %s%n", r.changed(), r.total(),
                100.0 * r.changed() / Math.max(1, r.total()), dir);
    }

    record Result(int changed, int total, List<Path> files) {
    }

    static Result mutate(Path dir, double fraction, long seed) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = new ArrayList<>(s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList());
        }
        all.sort((a, b) -> dir.relativize(a).toString().compareTo(dir.relativize(b).toString()));
        if (all.isEmpty()) {
            return new Result(0, 0, List.of());
        }
        int n = (int) Math.max(1, Math.min(all.size(), Math.round(all.size() * fraction)));
        SplittableRandom r = new SplittableRandom(seed);
        Set<Integer> picked = new HashSet<>();
        List<Path> chosen = new ArrayList<>();
        while (chosen.size() < n) {
            int i = r.nextInt(all.size());
            if (picked.add(i)) {
                chosen.add(all.get(i));
            }
        }
        for (Path p : chosen) {
            change(p, r);
        }
        return new Result(n, all.size(), chosen);
    }

    private static void change(Path p, SplittableRandom r) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        boolean writable = perms.contains(PosixFilePermission.OWNER_WRITE);
        if (!writable) {
            Set<PosixFilePermission> w = new HashSet<>(perms);
            w.add(PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(p, w);
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            long size = f.length();
            int alter = (int) Math.min(ALTER, size);
            byte[] b = new byte[Math.max(alter, APPEND)];
            if (alter > 0) {
                Corpus.random(r, b, 0, alter);
                f.seek((size - alter) / 2);
                f.write(b, 0, alter);
            }
            Corpus.random(r, b, 0, APPEND);
            f.seek(size);
            f.write(b, 0, APPEND);
        } finally {
            if (!writable) {
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }
}
