package dev.strongroom.client;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strongroom.format.MalformedDataException;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The bulk transport's answer parser against what a broken or malicious server can send: every
 * length is bounded before anything is buffered, and each malformation has its own error. (The
 * transport as a whole runs against the real server in every backup and restore test.)
 */
@DisplayName("Bulk transport: parsing the server's answers")
class PackTransportTest {
    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(ISO_8859_1));
    }

    private static PackTransport.Parsed read(String answer, long maxBody) throws IOException {
        return PackTransport.read(in(answer), "GET", maxBody);
    }

    @Test
    @DisplayName("a body of the announced length; the connection stays open unless the server says close")
    void contentLength() throws IOException {
        PackTransport.Parsed p = read("HTTP/1.1 206 Partial Content\r\nContent-Length: 5\r\nContent-Range: bytes 0-4/9\r\n\r\n"
                + "hello", 5);
        assertThat(p.status()).isEqualTo(206);
        assertThat(new String(p.body(), ISO_8859_1)).isEqualTo("hello");
        assertThat(p.keepAlive()).isTrue();
        assertThat(read("HTTP/1.1 200 OK\r\nconnection: Close\r\ncontent-length: 2\r\n\r\nok", 2).keepAlive()).isFalse();
        assertThat(read("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 2).keepAlive()).isFalse();
    }

    @Test
    @DisplayName("two answers on one connection are read one at a time")
    void pipelined() throws IOException {
        InputStream s = in("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(PackTransport.read(s, "GET", 1).body()).containsExactly('a');
        PackTransport.Parsed second = PackTransport.read(s, "GET", 1);
        assertThat(second.status()).isEqualTo(404);
        assertThat(second.body()).hasSize(2); // an error body is bounded by its own limit, not the range's
    }

    @Test
    @DisplayName("chunked bodies, with extensions and trailers, and interim 1xx answers")
    void chunkedAndInterim() throws IOException {
        PackTransport.Parsed p = read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: 1\r\n\r\n", 1 << 20);
        assertThat(p.status()).isEqualTo(201);
        assertThat(new String(p.body(), ISO_8859_1)).isEqualTo("abcde");
    }

    @Test
    @DisplayName("a body larger than asked for is refused before it is read")
    void oversized() {
        assertThatThrownBy(() -> read("HTTP/1.1 206 Partial\r\nContent-Length: 999999999999\r\n\r\n", 1 << 20))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("999999999999-byte answer");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n12345678\r\n0\r\n\r\n", 4))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("exceeds the 4 bytes");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\n\r\n12345", 4)) // no length: read to the end, bounded
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("exceeds the 4 bytes");
        String bigError = "HTTP/1.1 500 Oops\r\nContent-Length: " + (PackTransport.MAX_ERROR_BODY + 1) + "\r\n\r\n";
        assertThatThrownBy(() -> read(bigError, Long.MAX_VALUE)).isInstanceOf(MalformedDataException.class);
    }

    @Test
    @DisplayName("a truncated body or head is an end-of-stream error, not a short answer")
    void truncated() {
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", 10))
                .isInstanceOf(EOFException.class).hasMessageContaining("after 5 of 10 bytes");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Len", 10)).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nabc", 100))
                .isInstanceOf(EOFException.class).hasMessageContaining("inside a chunk");
    }

    @Test
    @DisplayName("malformed heads: status line, header line, lengths, endless headers")
    void malformed() {
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n\r\n", 10)).isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("status line");
        assertThatThrownBy(() -> read("HTTP/1.1 2x0 OK\r\n\r\n", 10)).isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("status");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", 10))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("header line");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", 10))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("Content-Length");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", 10))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("two different");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 10))
                .isInstanceOf(MalformedDataException.class).hasMessageContaining("chunk size");
        InputStream endless = new SequenceInputStream(in("HTTP/1.1 200 OK\r\n"), new InputStream() {
            @Override
            public int read() {
                return 'a'; // one header line that never ends
            }
        });
        assertThatThrownBy(() -> PackTransport.read(endless, "GET", 10)).isInstanceOf(MalformedDataException.class)
                .hasMessageContaining("exceed " + PackTransport.MAX_HEAD);
    }
}
