package dev.strongroom.cli;

import dev.strongroom.client.Progress;
import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Progress for long work: on a terminal, one line on stderr redrawn at most five times a
 * second (files, bytes, rate); elsewhere nothing until the summary. Warnings always print.
 */
final class ProgressPrinter implements Progress, AutoCloseable {
    private final PrintStream err;
    private final boolean live;
    private final String verb;
    private final long start = System.nanoTime();
    private final AtomicLong files = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile long totalFiles = -1;
    private volatile long totalBytes = -1;
    private volatile long lastDraw;
    private volatile boolean drawn;

    ProgressPrinter(PrintStream err, boolean live, String verb) {
        this.err = err;
        this.live = live;
        this.verb = verb;
    }

    @Override
    public void total(long f, long b) {
        totalFiles = f;
        totalBytes = b;
    }

    @Override
    public void fileDone(long b) {
        files.incrementAndGet();
        draw(false);
    }

    @Override
    public void bytes(long n) {
        bytes.addAndGet(n);
        draw(false);
    }

    @Override
    public synchronized void warn(String message) {
        if (drawn) {
            err.print("\r\033[K");
        }
        err.println("warning: " + message);
        drawn = false;
    }

    private void draw(boolean force) {
        if (!live) {
            return;
        }
        long now = System.nanoTime();
        if (!force && now - lastDraw < 200_000_000L) {
            return;
        }
        synchronized (this) {
            lastDraw = now;
            double secs = Math.max(1e-3, (now - start) / 1e9);
            String t = totalFiles >= 0 ? "/" + totalFiles : "";
            String tb = totalBytes >= 0 ? "/" + human(totalBytes) : "";
            err.print("\r\033[K" + verb + ": " + files.get() + t + " files, " + human(bytes.get()) + tb + ", "
                    + human((long) (bytes.get() / secs)) + "/s, " + String.format("%.1fs", secs));
            err.flush();
            drawn = true;
        }
    }

    static String human(long b) {
        if (b < 1024) {
            return b + " B";
        }
        String[] u = {"KiB", "MiB", "GiB", "TiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format("%.1f %s", v, u[i]);
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    @Override
    public synchronized void close() {
        if (drawn) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
