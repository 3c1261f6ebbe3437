package io.mediamesh.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.gateway.testing.FileTransfers;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.RawHttp;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.media.testing.TestVideos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Players that read slowly or not at all, as phones and paused players do, against media-svc's file
 * server with its default settings but a pool of 64 (the size the issue measured): every one gets a
 * 200 or a 429 with Retry-After, never a 5xx; no more than the pool are let in; the tokens all come
 * back when they leave; and memory stays where README says. Each player has its own loopback address
 * (127.0.0.0/8 is all this machine's), so the share per client applies as it would to real clients.
 */
class SlowReadersTest {
    private static final int POOL = 64;
    private static final int PLAYERS = 200;
    /** README's bound for media-svc's direct memory with the default settings. */
    private static final long DIRECT_BOUND = 64L * 1024 * 1024;
    /** README's bound for media-svc's heap (./mediamesh up runs it with -Xmx512m). */
    private static final long HEAP_BOUND = 512L * 1024 * 1024;

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.media-svc.file-server.limiter.stream-tokens", POOL);

    private static final byte[] VIDEO = TestVideos.mp4(48 * 1024 * 1024, 91);
    private static String vid;

    private final List<Socket> players = new ArrayList<>();
    private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void uploadALargeVideo() {
        Rest rest = mesh.rest();
        String session = rest.register("slow_owner");
        vid = Long.toString(rest.createVideo(session, "slow_owner", "large"));
        FileTransfers.Answer answer = new FileTransfers(mesh).upload(session, vid, VIDEO);
        assertThat(answer.status()).as("upload: %s", answer.body()).isEqualTo(200);
    }

    @AfterEach
    void playersLeave() throws IOException {
        reader.shutdownNow();
        for (Socket player : players) {
            player.close();
        }
        Await.until("every stream token is back", () -> tokensInUse() == 0);
    }

    @Test
    void twoHundredSlowPlayersGetThePoolOr429AndMemoryStaysBounded() throws IOException {
        List<String> heads = new ArrayList<>();
        for (int i = 0; i < PLAYERS; i++) {
            Socket player = play(address(10, i));
            heads.add(RawHttp.head(player.getInputStream()));
            // Half of those playing read 4 KiB every 100 ms, half read nothing more at all.
            if (i % 2 == 0 && heads.get(i).startsWith("HTTP/1.1 200")) {
                readSlowly(player);
            }
        }
        assertThat(heads).allSatisfy(head -> assertThat(head).matches("(?s)HTTP/1\\.1 (200|429) .*"));
        List<String> refused = heads.stream().filter(head -> head.startsWith("HTTP/1.1 429")).toList();
        assertThat(heads.size() - refused.size()).isEqualTo(POOL);
        assertThat(refused).allSatisfy(head -> assertThat(head.toLowerCase()).contains("retry-after: 1"));
        assertThat(new String(players.get(heads.indexOf(refused.get(0))).getInputStream().readNBytes(40),
                              StandardCharsets.UTF_8)).contains("TOO_MANY_REQUESTS");
        assertThat(tokensInUse()).isEqualTo(POOL);

        String metrics = metrics();
        long direct = gauge(metrics, "jvm_buffer_memory_used_bytes\\{id=\"direct\"") +
                      Math.max(0, gauge(metrics, "netty_direct_memory_used_bytes"));
        assertThat(direct).as("direct memory with %d players", PLAYERS).isLessThan(DIRECT_BOUND);
        assertThat(sum(metrics, "jvm_memory_used_bytes\\{area=\"heap\"")).isLessThan(HEAP_BOUND);
        assertThat(gauge(metrics, "mediamesh_files_connections")).isGreaterThanOrEqualTo(POOL);
    }

    @Test
    void oneClientWithManyConnectionsGetsItsShareAndAnotherStillPlays() throws IOException {
        int share = POOL / 4;
        InetAddress greedy = address(20, 1);
        List<String> heads = new ArrayList<>();
        for (int i = 0; i < share + 10; i++) {
            heads.add(RawHttp.head(play(greedy).getInputStream()));
        }
        assertThat(heads.stream().filter(head -> head.startsWith("HTTP/1.1 200"))).hasSize(share);
        assertThat(heads.stream().filter(head -> head.startsWith("HTTP/1.1 429"))).hasSize(10);
        assertThat(RawHttp.head(play(address(20, 2)).getInputStream())).startsWith("HTTP/1.1 200");
    }

    /** A player at {@code from} that asked for the whole file and reads nothing yet. */
    private Socket play(InetAddress from) throws IOException {
        Socket socket = new Socket();
        // A 4 KiB window: the file server can get little of the file out to it.
        socket.setReceiveBufferSize(4096);
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), mesh.filesPort()), 5000);
        socket.setSoTimeout(10_000);
        players.add(socket);
        socket.getOutputStream().write(("GET /stream/videos/" + vid + " HTTP/1.1\r\nHost: test\r\n\r\n")
                                               .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private void readSlowly(Socket player) {
        byte[] buffer = new byte[4096];
        reader.scheduleWithFixedDelay(() -> {
            try {
                if (player.getInputStream().available() > 0) {
                    player.getInputStream().read(buffer);
                }
            } catch (IOException e) {
                // The player was closed: the test is over.
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    private static InetAddress address(int subnet, int host) {
        try {
            return InetAddress.getByAddress(new byte[] { 127, 0, (byte) subnet, (byte) (host + 2) });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String metrics() {
        return TestMeshCa.web(mesh.mediaSvcPort()).get("/metrics").contentUtf8();
    }

    private static int tokensInUse() {
        return (int) gauge(metrics(), "mediamesh_files_tokens_in_use\\{pool=\"stream\"");
    }

    /** The value of the first sample whose name and labels start as {@code prefix} (a regex). */
    private static long gauge(String metrics, String prefix) {
        Matcher matcher = Pattern.compile("^" + prefix + "[^ ]* ([-0-9.E+]+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(matcher.find()).as("%s in /metrics", prefix).isTrue();
        return (long) Double.parseDouble(matcher.group(1));
    }

    /** The sum of every sample whose name and labels start as {@code prefix}. */
    private static long sum(String metrics, String prefix) {
        Matcher matcher = Pattern.compile("^" + prefix + "[^ ]* ([-0-9.E+]+)$", Pattern.MULTILINE).matcher(metrics);
        double total = 0;
        while (matcher.find()) {
            total += Double.parseDouble(matcher.group(1));
        }
        return (long) total;
    }
}
