package io.mediamesh.gateway.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.ServerBuilder;
import com.linecorp.armeria.testing.junit5.server.ServerExtension;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshTls;
import io.mediamesh.gateway.GatewayFileSettings;
import io.mediamesh.gateway.http.RestErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's connection to the file server under an upload, against a file server played by a
 * socket: one that reads none of the upload for a while (its disk paused) gets it all once it reads
 * again, as the connection is not ended by the kernel after Armeria's default TCP user timeout of
 * 15 s, which once failed a large upload in CI; one that breaks the connection gives the client a 503.
 */
class UploadProxyConnectionTest {
    // Longer than the 15 s TCP_USER_TIMEOUT of Armeria's default client idle timeout.
    private static final Duration FILE_SERVER_PAUSE = Duration.ofSeconds(17);
    // Far more than the socket buffers on the way hold, so the proxy really has bytes it cannot send.
    private static final byte[] BODY = new byte[48 * 1024 * 1024];
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: *(\\d+)");

    private static final ServerSocket fileServer = openFileServer();
    private static final MeshTls tls = MeshTls.plaintext(Identity.GATEWAY);
    private static final GatewayFileSettings settings =
            new GatewayFileSettings("127.0.0.1:" + fileServer.getLocalPort(), "", Duration.ofSeconds(60));
    private static final ClientFactory connections =
            UploadProxy.connections(settings, tls, tls.clientFactory().eventLoopGroup());
    // The test's own client must outlast the pause too (the gateway stops reading from it meanwhile).
    private static final ClientFactory patientClient =
            ClientFactory.builder().idleTimeout(Duration.ofSeconds(60)).build();

    @RegisterExtension
    static final ServerExtension gateway = new ServerExtension() {
        @Override
        protected void configure(ServerBuilder sb) {
            sb.service("/upload/videos/1", new UploadProxy(UploadProxy.client(settings, connections)));
            sb.errorHandler(new RestErrors());
            sb.maxRequestLength(0).requestTimeout(Duration.ZERO);
        }
    };

    @AfterAll
    static void close() throws IOException {
        connections.close();
        patientClient.close();
        fileServer.close();
    }

    @Test
    void anUploadOutlastsAFileServerThatReadsNothingForLongerThanArmeriasDefaultUserTimeout() {
        CompletableFuture<Long> received = CompletableFuture.supplyAsync(UploadProxyConnectionTest::pauseThenReceive);
        assertThat(uploadStatus()).isEqualTo(200);
        assertThat(received.join()).isEqualTo(BODY.length);
    }

    @Test
    void aFileServerThatBreaksTheConnectionMidUploadGivesA503() {
        CompletableFuture<Void> reset = CompletableFuture.runAsync(UploadProxyConnectionTest::resetMidBody);
        assertThat(uploadStatus()).isEqualTo(503);
        reset.join();
    }

    /** Uploads {@link #BODY} through the gateway; the answer's status once its envelope code is checked. */
    private static int uploadStatus() {
        WebClient client = WebClient.builder(gateway.httpUri()).factory(patientClient).maxResponseLength(0)
                                    .responseTimeout(Duration.ofSeconds(90)).build();
        AggregatedHttpResponse answer =
                client.execute(RequestHeaders.of(HttpMethod.POST, "/upload/videos/1"), HttpData.wrap(BODY))
                      .aggregate().join();
        if (answer.status().code() != 200) {
            assertThat(answer.contentUtf8()).as("an error's envelope").contains("SERVICE_UNAVAILABLE");
            assertThat(answer.headers().get("retry-after")).isEqualTo("2");
        }
        return answer.status().code();
    }

    /** Takes the request's head and a little of the body, then resets the connection. */
    private static void resetMidBody() {
        try (Socket socket = fileServer.accept()) {
            InputStream in = socket.getInputStream();
            readHead(in);
            in.readNBytes(64 * 1024);
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Takes the request's head, reads nothing for a while, then the whole body; answers 200. */
    private static long pauseThenReceive() {
        try (Socket socket = fileServer.accept()) {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            Matcher length = CONTENT_LENGTH.matcher(head);
            assertThat(length.find()).as("the proxy passes the length on: %s", head).isTrue();
            Thread.sleep(FILE_SERVER_PAUSE.toMillis());
            long expected = Long.parseLong(length.group(1));
            long read = 0;
            byte[] buffer = new byte[64 * 1024];
            while (read < expected) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                read += n;
            }
            socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
                                                   .getBytes(StandardCharsets.US_ASCII));
            return read;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("The proxy closed before the request's head ended");
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private static ServerSocket openFileServer() {
        try {
            return new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
