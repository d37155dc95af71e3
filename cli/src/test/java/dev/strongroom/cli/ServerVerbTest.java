package dev.strongroom.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strongroom.storage.TestPostgres;
import dev.strongroom.storage.TestS3;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code strongroom server migrate}, configuration errors, and the JSON log layout. */
class ServerVerbTest {
    @TempDir
    Path tmp;

    record Result(int code, String out, String err) {
    }

    Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Io io = new Io(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), env, false);
        int code = Main.run(args, io);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("migrate on the embedded defaults: schema applied, TLS key created, fingerprint printed and repeated")
    void migrateEmbedded() {
        Path data = tmp.resolve("data");
        Result r = run(Map.of(), "server", "migrate", "--data", data.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("schema 2").contains("blobs file:" + data.resolve("packs") + " ok")
                .containsPattern("fingerprint SHA256:[0-9a-f]{64}");
        assertThat(Files.exists(data.resolve("meta.db"))).isTrue();
        Result fp = run(Map.of("STRONGROOM_DATA", data.toString()), "server", "fingerprint");
        assertThat(fp.code()).isZero();
        assertThat(r.out()).contains(fp.out().trim());
    }

    @Test
    @DisplayName("migrate on PostgreSQL and S3 from a configuration file, twice (the second applies nothing)")
    void migrateScaleOut() throws Exception {
        Path config = tmp.resolve("server.toml");
        Files.writeString(config, "data = \"data\"\nmetadata = \"" + TestPostgres.databaseUri(TestPostgres.newDatabase())
                + "\"\nblobs = \"" + TestS3.uri(TestS3.newPrefix()) + "\"\n");
        for (int i = 0; i < 2; i++) {
            Result r = run(Map.of(), "server", "migrate", "--config", config.toString());
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("metadata postgresql://127.0.0.1:").contains("schema 2")
                    .contains("blobs s3://" + TestS3.BUCKET + "/");
        }
        assertThat(Files.exists(tmp.resolve("data/tls.p12"))).isTrue();
        Result fp = run(Map.of("STRONGROOM_CONFIG", config.toString()), "server", "fingerprint");
        assertThat(fp.code()).as(fp.err()).isZero();
    }

    @Test
    @DisplayName("a bad configuration is a usage error (exit 2) naming the problem; the server does not start")
    void badConfiguration() throws Exception {
        Path config = tmp.resolve("bad.toml");
        Files.writeString(config, "metadta = \"sqlite:x.db\"\n");
        Result r = run(Map.of(), "server", "--config", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("unknown key 'metadta'");

        Map<String, String> env = new HashMap<>();
        env.put("STRONGROOM_BLOBS", "s3://bucket?endpont=https://x");
        Result e = run(env, "server", "migrate", "--data", tmp.resolve("d").toString());
        assertThat(e.code()).isEqualTo(2);
        assertThat(e.err()).contains("unknown s3:// parameter 'endpont'");

        Result l = run(Map.of(), "server", "--listen", "localhost", "--data", tmp.resolve("d2").toString());
        assertThat(l.code()).isEqualTo(2);
    }

    @Test
    @DisplayName("the JSON log layout: one object per line, key-value pairs as fields, reserved names prefixed")
    void jsonLayout() throws Exception {
        LoggerContext context = new LoggerContext();
        JsonLogLayout layout = new JsonLogLayout();
        layout.setContext(context);
        layout.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.strongroom.server.access"), Level.INFO,
                "request {}", null, new Object[] {"done"});
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("status", 201));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("route", "/v1/vaults/{id}/head"));
        event.addKeyValuePair(new org.slf4j.event.KeyValuePair("message", "clash"));
        String line = layout.doLayout(event);
        assertThat(line).endsWith(System.lineSeparator()).doesNotContain("\n{");
        JsonNode n = new ObjectMapper().readTree(line);
        assertThat(n.path("level").asText()).isEqualTo("INFO");
        assertThat(n.path("logger").asText()).isEqualTo("dev.strongroom.server.access");
        assertThat(n.path("message").asText()).isEqualTo("request done");
        assertThat(n.path("status").isInt()).isTrue();
        assertThat(n.path("route").asText()).isEqualTo("/v1/vaults/{id}/head");
        assertThat(n.path("kv_message").asText()).isEqualTo("clash");
        assertThat(n.path("time").asText()).endsWith("Z");
    }
}
