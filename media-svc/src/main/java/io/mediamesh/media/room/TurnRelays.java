package io.mediamesh.media.room;

import com.google.protobuf.Timestamp;
import io.mediamesh.api.v1.TurnCredentials;
import io.mediamesh.media.janus.JanusServer;
import io.mediamesh.media.janus.MediaServers;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * TURN credentials for joining a room, of coturn's use-auth-secret scheme: the user name is
 * {@code <expiry in Unix seconds>:u<user id>} and the password base64(HMAC-SHA1(static-auth-secret,
 * user name)), which the room server's coturn checks with its secret alone (so nothing is stored
 * or sent to coturn) and refuses once the expiry has passed.
 */
public final class TurnRelays {
    private final MediaServers servers;
    private final Duration ttl;
    private final Clock clock;

    /** @param ttl how long credentials work; a call longer than that cannot refresh its relay */
    public TurnRelays(MediaServers servers, Duration ttl, Clock clock) {
        this.servers = servers;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** Credentials for {@code userId} at the coturn of {@code room}'s server; none when it issues none. */
    public Optional<TurnCredentials> issue(RoomRecord room, long userId) {
        JanusServer server = servers.get(room.serverId());
        String url = server.server().getEndpoints().getTurnUrl();
        String secret = server.turnSecret();
        if (url.isEmpty() || secret.isEmpty()) {
            return Optional.empty();
        }
        long expires = clock.instant().plus(ttl).getEpochSecond();
        String username = expires + ":u" + userId;
        return Optional.of(TurnCredentials.newBuilder().addUrls(url).setUsername(username)
                                          .setPassword(password(secret, username))
                                          .setExpiresAt(Timestamp.newBuilder().setSeconds(expires)).build());
    }

    /** base64(HMAC-SHA1(secret, username)), as coturn computes it for use-auth-secret. */
    static String password(String secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 is part of every Java runtime", e);
        }
    }
}
