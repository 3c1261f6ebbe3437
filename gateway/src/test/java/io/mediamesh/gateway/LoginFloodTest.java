package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.linecorp.armeria.client.BlockingWebClient;
import com.linecorp.armeria.client.ClientFactory;
import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.user.user.PasswordHashing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 500 logins at once with the real Argon2id cost (19 MiB each) and the default bound on hashing:
 * user-svc hashes no more than its bound at once, turns the rest away with 429 or 503 and Retry-After, never fails otherwise, and
 * keeps answering other routes within their deadline meanwhile.
 */
class LoginFloodTest {
    private static final int LOGINS = 500;
    private static final int NAMES = 50;
    /** Each login's client address is a new one, 127.1.N.M. */
    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.passwords.argon2-memory-kib", 19456)
                                       .with("mediamesh.user-svc.passwords.argon2-iterations", 2)
                                       .with("mediamesh.gateway.trusted-proxies", List.of("127.0.0.1"));

    private static final Pattern RUNNING = gauge(PasswordHashing.RUNNING_METER);
    private static final Pattern BOUND = gauge(PasswordHashing.CONCURRENCY_METER);

    /** A gauge's value on /metrics. */
    private static Pattern gauge(String meter) {
        return Pattern.compile("^" + meter.replace('.', '_') + "(\\{[^}]*\\})? ([0-9.]+)", Pattern.MULTILINE);
    }

    @Test
    void fiveHundredConcurrentLoginsLeaveTheMeshUp() {
        Rest rest = mesh.rest();
        String owner = rest.register("flood_owner");
        long video = rest.createVideo(owner, "flood_owner", "still here");
        for (int i = 0; i < NAMES; i += 2) {
            rest.register("flood_" + i);
            rest.register("warm_" + i);
        }

        // Someone else, on a connection of their own.
        ClientFactory readerConnections = ClientFactory.builder().build();
        BlockingWebClient reads = WebClient.builder(mesh.gatewayUri()).factory(readerConnections).build().blocking();
        BlockingWebClient userSvc = TestMeshCa.web(mesh.userSvcPort());
        reads.get("/api/videos/" + video);
        // A first, smaller flood warms the JVM (which runs the whole mesh here) up: compiling
        // the code paths under load is not what is measured.
        for (AggregatedHttpResponse response : join(flood(100, "warm_"))) {
            assertThat(response.status().code()).as(response.contentUtf8()).isIn(200, 401, 429, 503);
        }

        List<CompletableFuture<AggregatedHttpResponse>> logins = flood(LOGINS, "flood_");
        // Meanwhile other routes answer, and user-svc never hashes more than its bound at once.
        List<Long> readMillis = new ArrayList<>();
        double mostRunning = 0;
        CompletableFuture<Void> all = CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new));
        while (!all.isDone() || readMillis.isEmpty()) {
            long started = System.nanoTime();
            AggregatedHttpResponse read = reads.get("/api/videos/" + video);
            readMillis.add((System.nanoTime() - started) / 1_000_000);
            assertThat(read.status().code()).as(read.contentUtf8()).isEqualTo(200);
            Matcher running = RUNNING.matcher(userSvc.get("/metrics").contentUtf8());
            assertThat(running.find()).isTrue();
            mostRunning = Math.max(mostRunning, Double.parseDouble(running.group(2)));
        }
        assertThat(readMillis).as("GET /api/videos/:vid during the flood, ms").allSatisfy(
                millis -> assertThat(millis).isLessThan(3000));
        // The bound derived from the heap and the processors (here, with the defaults).
        Matcher bound = BOUND.matcher(userSvc.get("/metrics").contentUtf8());
        assertThat(bound.find()).isTrue();
        assertThat(mostRunning).isLessThanOrEqualTo(Double.parseDouble(bound.group(2)));

        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (AggregatedHttpResponse response : join(logins)) {
            int status = response.status().code();
            byStatus.merge(status, 1, Integer::sum);
            assertThat(status).as(response.contentUtf8()).isIn(200, 401, 429, 503);
            if (status == 429 || status == 503) {
                assertThat(response.headers().get("retry-after")).as(response.contentUtf8()).matches("[1-9][0-9]*");
                assertThat(response.contentUtf8()).contains(status == 429 ? "TOO_MANY_REQUESTS" : "SERVICE_UNAVAILABLE");
            }
        }
        // The bound turned most away; those were never judged, so they count as no failure for the
        // per-name throttle (LoginThrottlingTest). Some were judged.
        assertThat(byStatus).as("statuses").containsKey(503);
        assertThat(byStatus.getOrDefault(200, 0) + byStatus.getOrDefault(401, 0)).as("statuses %s", byStatus)
                                                                                 .isPositive();
        String metrics = userSvc.get("/metrics").contentUtf8();
        assertThat(metrics).contains(PasswordHashing.REJECTED_METER.replace('.', '_'));

        // user-svc is up and signs people in.
        assertThat(userSvc.get("/health").status().code()).isEqualTo(200);
        rest.post("/api/login", json("user_name", "flood_owner", "pwd", "password-flood_owner"),
                  "X-Forwarded-For", "127.2.0.1").expect(200, "ok");
        rest.get("/api/user/flood_owner", "X-Session-Id", owner).expect(200, "ok");
        readerConnections.close();
    }

    /**
     * {@code count} logins at once, each from an address of its own, over {@value #NAMES} names
     * with {@code prefix}: every other name exists, and every tenth login has the right password.
     */
    private static List<CompletableFuture<AggregatedHttpResponse>> flood(int count, String prefix) {
        WebClient client = WebClient.builder(mesh.gatewayUri()).responseTimeout(Duration.ofSeconds(30)).build();
        List<CompletableFuture<AggregatedHttpResponse>> logins = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int name = i % NAMES;
            String password = i % 10 == 0 && name % 2 == 0 ? "password-" + prefix + name : "wrong password " + i;
            int address = ADDRESSES.incrementAndGet();
            RequestHeaders headers = RequestHeaders.builder(HttpMethod.POST, "/api/login")
                                                   .contentType(MediaType.JSON_UTF_8)
                                                   .add("X-Forwarded-For",
                                                        "127.1." + address / 250 + "." + (address % 250 + 1))
                                                   .build();
            logins.add(client.execute(headers, json("user_name", prefix + name, "pwd", password)).aggregate());
        }
        return logins;
    }

    private static List<AggregatedHttpResponse> join(List<CompletableFuture<AggregatedHttpResponse>> responses) {
        return responses.stream().map(CompletableFuture::join).toList();
    }
}
