package io.mediamesh.media.fileserver;

import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Who the client is, for the per-client shares of the token pools: the peer's address, or, when the
 * peer is a trusted proxy (a load balancer in front), the nearest address in {@code X-Forwarded-For}
 * that no trusted proxy added. A client cannot pick its own identity by sending the header itself.
 */
final class ClientAddresses {
    private final List<InetAddress> trustedProxies;

    ClientAddresses(List<InetAddress> trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    InetAddress client(InetAddress peer, HttpHeaders headers) {
        InetAddress client = peer;
        List<String> forwarded = headers.getAll("X-Forwarded-For");
        // Walk from the nearest hop back; every trusted hop vouches for the one before it.
        for (int i = forwarded.size() - 1; i >= 0 && trustedProxies.contains(client); i--) {
            String[] hops = forwarded.get(i).split(",");
            for (int j = hops.length - 1; j >= 0 && trustedProxies.contains(client); j--) {
                InetAddress hop = parse(hops[j].trim());
                if (hop == null) {
                    return client;
                }
                client = hop;
            }
        }
        return client;
    }

    /** A literal address, or null: a hop that is not one ends the walk where it is. */
    private static InetAddress parse(String literal) {
        if (literal.isEmpty() || !literal.matches("[0-9a-fA-F.:]+")) {
            return null;
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
