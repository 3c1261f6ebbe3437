package io.mediamesh.gateway.http;

import com.google.common.net.InetAddresses;
import com.linecorp.armeria.common.util.InetAddressPredicates;
import com.linecorp.armeria.server.ServiceRequestContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Who a request comes from, behind the configured reverse proxies: the connection's peer, or,
 * when that is a trusted proxy, the last address of the {@code X-Forwarded-For} chain that is not
 * one. A proxy appends the address it saw to the header it received, so what comes before that
 * was the client's own to write and is never believed. (Armeria's own parsing keeps only the first
 * address of a chain written with ", ", the usual form, which is the client's to forge.)
 */
public final class ClientAddresses {
    private static final String FORWARDED_FOR = "x-forwarded-for";

    private final Predicate<InetAddress> trusted;

    /** @param trustedProxies IP addresses and CIDR blocks ("10.0.0.0/8") of the proxies to believe */
    public ClientAddresses(List<String> trustedProxies) {
        this.trusted = trustedProxies.stream()
                                     .map(proxy -> proxy.contains("/") ? InetAddressPredicates.ofCidr(proxy)
                                                                       : InetAddressPredicates.ofExact(proxy))
                                     .reduce(Predicate::or)
                                     .orElse(address -> false);
    }

    /** The client address of the current request, as a literal. */
    public String of(ServiceRequestContext ctx) {
        InetSocketAddress peer = ctx.remoteAddress();
        return resolve(peer.getAddress(), ctx.request().headers().getAll(FORWARDED_FOR)).getHostAddress();
    }

    /** The client behind {@code peer}, given the {@code X-Forwarded-For} header values the request had. */
    InetAddress resolve(InetAddress peer, List<String> forwardedFor) {
        if (!trusted.test(peer)) {
            return peer;
        }
        List<String> chain = new ArrayList<>();
        for (String value : forwardedFor) {
            for (String entry : value.split(",")) {
                chain.add(entry.trim());
            }
        }
        InetAddress client = peer;
        for (int i = chain.size() - 1; i >= 0 && trusted.test(client); i--) {
            Optional<InetAddress> hop = parse(chain.get(i));
            if (hop.isEmpty()) {
                // What a trusted proxy wrote is not an address: the proxy is all that is known.
                return client;
            }
            client = hop.get();
        }
        return client;
    }

    /** An IP literal, possibly with a port ("1.2.3.4:80", "[::1]:80"); never a name to look up. */
    private static Optional<InetAddress> parse(String entry) {
        String literal = entry;
        if (literal.startsWith("[") && literal.indexOf(']') > 0) {
            literal = literal.substring(1, literal.indexOf(']'));
        } else if (literal.indexOf(':') > 0 && literal.indexOf(':') == literal.lastIndexOf(':')) {
            literal = literal.substring(0, literal.indexOf(':'));
        }
        return InetAddresses.isInetAddress(literal) ? Optional.of(InetAddresses.forString(literal))
                                                    : Optional.empty();
    }
}
