package io.mediamesh.gateway;

import static io.mediamesh.gateway.testing.Rest.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.mediamesh.common.testing.Await;
import io.mediamesh.gateway.testing.Mesh;
import io.mediamesh.gateway.testing.Rest;
import io.mediamesh.gateway.testing.Rest.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Password guessing through the gateway, with the real Argon2id cost: failed logins are throttled
 * per user name and per client address with 429 and Retry-After, and nothing (codes, messages,
 * timing) tells an account from a name nobody has. The gateway trusts loopback as a proxy here,
 * so X-Forwarded-For gives each request the client address the test wants.
 */
class LoginThrottlingTest {
    @RegisterExtension
    static final Mesh mesh = new Mesh().with("mediamesh.user-svc.passwords.argon2-memory-kib", 19456)
                                       .with("mediamesh.user-svc.passwords.argon2-iterations", 2)
                                       .with("mediamesh.gateway.trusted-proxies", List.of("127.0.0.1"));

    private static final AtomicInteger ADDRESSES = new AtomicInteger();

    private final Rest rest = mesh.rest();

    /** A client address of its own (loopback, as everything here). */
    private static String newAddress() {
        int n = ADDRESSES.incrementAndGet();
        return "127.0." + (n / 250) + "." + (n % 250 + 1);
    }

    private Response login(String userName, String password, String address) {
        return rest.post("/api/login", json("user_name", userName, "pwd", password), "X-Forwarded-For", address);
    }

    /** What a client can see of a login's answer. */
    private record Seen(int status, String code, String message, String retryAfter) {
        static Seen of(Response response) {
            return new Seen(response.status(), response.code(), response.body().asText(),
                            response.headers().get("retry-after"));
        }
    }

    private List<Seen> sixWrongLogins(String userName) {
        String address = newAddress();
        List<Seen> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(Seen.of(login(userName, "wrong password " + i, address)));
        }
        return seen;
    }

    @Test
    void aWrongPasswordAndAnUnknownUserAreThrottledAlike() {
        rest.register("thr_alice");
        List<Seen> account = sixWrongLogins("thr_alice");
        List<Seen> nobody = sixWrongLogins("thr_nobody");
        assertThat(account).isEqualTo(nobody);
        assertThat(account.subList(0, 5)).containsOnly(
                new Seen(401, "INVALID_CREDENTIALS", "Wrong user name or password.", null));
        assertThat(account.get(5).status()).isEqualTo(429);
        assertThat(account.get(5).code()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(account.get(5).retryAfter()).isEqualTo("1");

        // While throttled, not even the right password is looked at; from any address.
        Response right = login("thr_alice", "password-thr_alice", newAddress()).expect(429, "TOO_MANY_REQUESTS");
        assertThat(right.headers().get("retry-after")).isEqualTo("1");
        // Once the wait is over, it is.
        String address = newAddress();
        Await.until("the throttle lets thr_alice try again",
                    () -> login("thr_alice", "password-thr_alice", address).status() == 200);
        // A success starts the name afresh: five failures free again.
        for (int i = 0; i < 5; i++) {
            login("thr_alice", "wrong again " + i, address).expect(401, "INVALID_CREDENTIALS");
        }
        login("thr_alice", "wrong again", address).expect(429, "TOO_MANY_REQUESTS");
    }

    @Test
    void eachFurtherFailureWaitsLonger() {
        String address = newAddress();
        for (int i = 0; i < 5; i++) {
            login("thr_bob", "wrong password " + i, address).expect(401, "INVALID_CREDENTIALS");
        }
        assertThat(login("thr_bob", "wrong password", address).expect(429).headers().get("retry-after")).isEqualTo("1");
        Await.until("the first delay passes", () -> login("thr_bob", "wrong password", address).status() == 401);
        assertThat(login("thr_bob", "wrong password", address).expect(429).headers().get("retry-after")).isEqualTo("2");
    }

    @Test
    void anAddressIsThrottledAcrossUserNames() {
        String address = newAddress();
        for (int i = 0; i < 20; i++) {
            login("thr_spray_" + i, "wrong password", address).expect(401, "INVALID_CREDENTIALS");
        }
        Response throttled = login("thr_spray_20", "wrong password", address).expect(429, "TOO_MANY_REQUESTS");
        assertThat(throttled.headers().get("retry-after")).isEqualTo("1");
        // Another address is not.
        login("thr_spray_20", "wrong password", newAddress()).expect(401, "INVALID_CREDENTIALS");
    }

    @Test
    void whatAClientWritesBeforeTheProxysEntryIsNotBelieved() {
        // A proxy appends the address it saw to the X-Forwarded-For it received: the client is the
        // last entry that is not a trusted proxy, whatever the client put before it.
        String address = newAddress();
        for (int i = 0; i < 20; i++) {
            rest.post("/api/login", json("user_name", "thr_spoof_" + i, "pwd", "wrong password"),
                      "X-Forwarded-For", newAddress() + ", " + address).expect(401, "INVALID_CREDENTIALS");
        }
        rest.post("/api/login", json("user_name", "thr_spoof_20", "pwd", "wrong password"),
                  "X-Forwarded-For", newAddress() + ", " + address + ", 127.0.0.1").expect(429, "TOO_MANY_REQUESTS");
    }

    @Test
    void timingDoesNotTellAnAccountApart() {
        int rounds = 7;
        List<String> accounts = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            accounts.add("thr_timed_" + i);
            rest.register(accounts.get(i));
        }
        List<Long> existing = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            existing.add(timed(accounts.get(i)));
            unknown.add(timed("thr_ghost_" + i));
        }
        double ratio = (double) median(unknown) / median(existing);
        // A login for a name nobody has runs a decoy hash of the same cost (without it: a few percent).
        assertThat(ratio).as("unknown %s ms vs existing %s ms", unknown, existing).isBetween(0.5, 2.0);
    }

    private long timed(String userName) {
        long started = System.nanoTime();
        login(userName, "wrong password", newAddress()).expect(401, "INVALID_CREDENTIALS");
        return (System.nanoTime() - started) / 1_000_000;
    }

    private static long median(List<Long> values) {
        return values.stream().sorted().toList().get(values.size() / 2);
    }
}
