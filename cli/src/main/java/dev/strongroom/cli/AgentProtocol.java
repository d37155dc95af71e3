package dev.strongroom.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resident agent's wire format on its Unix domain socket (docs/agent.md): one request from
 * the thin client, then frames from the agent until an exit frame. Big-endian integers; every
 * length is bounded before anything is allocated. Kept free of picocli and Jackson so the thin
 * client starts fast.
 */
final class AgentProtocol {
    static final byte[] MAGIC = "SRAGENT1".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_STRING = 64 * 1024;
    static final int MAX_ITEMS = 4096;
    static final int MAX_REQUEST = 1 << 20;
    static final int MAX_FRAME = 1 << 20;

    static final int OUT = 1;
    static final int ERR = 2;
    static final int EXIT = 3;
    static final int REFUSED = 4;
    /** The agent has begun running the command: from here on the client must not run it again. */
    static final int STARTED = 5;

    /** Request flag: the caller's stderr is a terminal (progress may be drawn). */
    static final int FLAG_TERMINAL = 1;

    private AgentProtocol() {
    }

    /**
     * Which build this is: the version and the jar's size and time. An agent refuses requests of
     * another build, so a rebuilt or upgraded jar never talks to an agent running older code.
     */
    static String buildId() {
        String v = dev.strongroom.server.StrongroomServer.VERSION; // a constant: loads no server class
        try {
            var src = AgentProtocol.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                java.nio.file.Path p = java.nio.file.Path.of(src.getLocation().toURI());
                if (java.nio.file.Files.isRegularFile(p)) {
                    return v + ":" + java.nio.file.Files.size(p) + ":" + java.nio.file.Files.getLastModifiedTime(p).toMillis();
                }
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            // fall through
        }
        return v + ":classes";
    }

    /** What the thin client asks the agent to run. */
    record Request(String build, String cwd, int flags, List<String> args, Map<String, String> env) {
    }

    /** A malformed or oversized request (the agent answers it with a refusal). */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    static void writeRequest(OutputStream out, Request r) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.write(MAGIC);
        string(d, r.build());
        string(d, r.cwd());
        d.writeByte(r.flags());
        d.writeInt(r.args().size());
        for (String a : r.args()) {
            string(d, a);
        }
        d.writeInt(r.env().size());
        for (Map.Entry<String, String> e : r.env().entrySet()) {
            string(d, e.getKey());
            string(d, e.getValue());
        }
        d.flush();
    }

    private static void string(DataOutputStream d, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING) {
            throw new ProtocolException("an argument or variable longer than " + MAX_STRING + " bytes");
        }
        d.writeInt(b.length);
        d.write(b);
    }

    static Request readRequest(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(new Bounded(in, MAX_REQUEST));
        byte[] magic = new byte[MAGIC.length];
        d.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ProtocolException("not a strongroom agent request (bad magic)");
        }
        String build = string(d);
        String cwd = string(d);
        int flags = d.readUnsignedByte();
        int nargs = count(d, "arguments");
        List<String> args = new ArrayList<>(nargs);
        for (int i = 0; i < nargs; i++) {
            args.add(string(d));
        }
        int nenv = count(d, "environment variables");
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < nenv; i++) {
            env.put(string(d), string(d));
        }
        return new Request(build, cwd, flags, List.copyOf(args), java.util.Collections.unmodifiableMap(env));
    }

    private static int count(DataInputStream d, String what) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > MAX_ITEMS) {
            throw new ProtocolException("request with " + Integer.toUnsignedString(n) + " " + what
                    + " (at most " + MAX_ITEMS + ")");
        }
        return n;
    }

    private static String string(DataInputStream d) throws IOException {
        int n = d.readInt();
        if (n < 0 || n > MAX_STRING) {
            throw new ProtocolException("request string of " + Integer.toUnsignedString(n) + " bytes (at most "
                    + MAX_STRING + ")");
        }
        byte[] b = new byte[n];
        d.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Writes one frame; callers serialize frames of one connection. */
    static void writeFrame(OutputStream out, int kind, byte[] b, int off, int len) throws IOException {
        byte[] head = {(byte) kind, (byte) (len >>> 24), (byte) (len >>> 16), (byte) (len >>> 8), (byte) len};
        out.write(head);
        out.write(b, off, len);
        out.flush();
    }

    static void writeExit(OutputStream out, int code) throws IOException {
        writeFrame(out, EXIT, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), (byte) (code >>> 8), (byte) code}, 0, 4);
    }

    /** One frame as read by the thin client. */
    record Frame(int kind, byte[] payload) {
        int exitCode() {
            return ((payload[0] & 0xff) << 24) | ((payload[1] & 0xff) << 16) | ((payload[2] & 0xff) << 8) | (payload[3] & 0xff);
        }
    }

    /** The next frame, or null at a clean end of stream before any byte of a frame. */
    static Frame readFrame(InputStream in) throws IOException {
        int kind = in.read();
        if (kind < 0) {
            return null;
        }
        DataInputStream d = new DataInputStream(in);
        int len = d.readInt();
        if (kind < OUT || kind > STARTED || len < 0 || len > MAX_FRAME || (kind == EXIT && len != 4)) {
            throw new ProtocolException("malformed frame from the agent (kind " + kind + ", " + len + " bytes)");
        }
        byte[] b = new byte[len];
        d.readFully(b);
        return new Frame(kind, b);
    }

    /** Reads at most {@code limit} bytes from {@code in}; more is a protocol error. */
    private static final class Bounded extends InputStream {
        private final InputStream in;
        private long left;

        Bounded(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                throw new ProtocolException("request longer than " + MAX_REQUEST + " bytes");
            }
            int b = in.read();
            if (b < 0) {
                throw new EOFException("request truncated");
            }
            left--;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left <= 0) {
                throw new ProtocolException("request longer than " + MAX_REQUEST + " bytes");
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("request truncated");
            }
            left -= n;
            return n;
        }
    }
}
