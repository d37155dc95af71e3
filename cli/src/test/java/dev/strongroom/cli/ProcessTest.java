package dev.strongroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as separate processes: the server verb's output lines, {@code server fingerprint},
 * real exit codes, and no prompting when stdin is not a terminal (stdin is /dev/null here).
 */
class ProcessTest {
    @TempDir
    Path tmp;

    private static List<String> java(Path home, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.strongroom.cli.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    private record Done(int code, String out, String err) {
    }

    private Done exec(Path home, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(java(home, args));
        pb.environment().put("STRONGROOM_HOME", home.toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("command finished without waiting for input").isTrue();
        return new Done(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    @DisplayName("server prints its URL and fingerprint; 'server fingerprint' repeats it; a client process uses it")
    void serverProcess() throws Exception {
        Path data = tmp.resolve("data");
        ProcessBuilder pb = new ProcessBuilder(java(tmp, "server", "--data", data.toString(), "--listen", "127.0.0.1:0"));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectError(tmp.resolve("server.err").toFile());
        Process server = pb.start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String url = null;
            String fp = null;
            String line;
            while ((url == null || fp == null) && (line = r.readLine()) != null) {
                if (line.startsWith("url ")) {
                    url = line.substring(4);
                }
                if (line.startsWith("fingerprint ")) {
                    fp = line;
                }
            }
            assertThat(url).matches("https://127\\.0\\.0\\.1:[0-9]+");
            assertThat(fp).matches("fingerprint SHA256:[0-9a-f]{64}");
            assertThat(Files.exists(data.resolve("tls.p12"))).isTrue();

            Done again = exec(tmp, "server", "fingerprint", "--data", data.toString());
            assertThat(again.code()).isZero();
            assertThat(again.out().lines().toList()).as("the fingerprint line, then the log-key line").hasSize(2)
                    .first().isEqualTo(fp);
            assertThat(again.out().lines().toList().get(1)).startsWith("log-key strongroom/");

            Path home = tmp.resolve("home");
            Done init = exec(home, "init", "--server", url, "--server-fingerprint", fp.substring(12), "--json");
            assertThat(init.code()).as(init.err()).isZero();
            JsonNode n = new ObjectMapper().readTree(init.out());
            assertThat(n.get("account_id").asText()).hasSize(64);
            assertThat(Files.getPosixFilePermissions(home.resolve("device.key")))
                    .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

            Done missing = exec(home, "ls", "--vault", "nothing");
            assertThat(missing.code()).isEqualTo(4);
            Done usage = exec(home, "restore", "--vault", "x");
            assertThat(usage.code()).isEqualTo(2);
        } finally {
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).as("server stops on SIGTERM").isTrue();
        }
    }

    @Test
    @DisplayName("'server fingerprint' on a folder without a server identity is 'not found' (exit 4)")
    void fingerprintMissing() throws Exception {
        Done d = exec(tmp, "server", "fingerprint", "--data", tmp.resolve("none").toString());
        assertThat(d.code()).isEqualTo(4);
        Matcher m = Pattern.compile("start the server there").matcher(d.err());
        assertThat(m.find()).isTrue();
    }
}
