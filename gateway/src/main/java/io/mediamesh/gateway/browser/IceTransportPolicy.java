package io.mediamesh.gateway.browser;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which ICE candidates the video room pages let the browser use (RTCConfiguration's
 * {@code iceTransportPolicy}): {@link #ALL} (direct paths to Janus and the TURN relay alike), or
 * {@link #RELAY} (the TURN relay of the join's credentials only: Janus never learns a browser's
 * own addresses, and all media crosses the relay, e.g. where only the relay is reachable).
 */
public enum IceTransportPolicy {
    ALL,
    RELAY;

    /** As the browser and the join answer spell it: "all" or "relay". */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code value} ("all" or "relay"), naming the setting and the values it takes otherwise. */
    public static IceTransportPolicy of(String value) {
        for (IceTransportPolicy policy : values()) {
            if (policy.value().equals(value)) {
                return policy;
            }
        }
        throw new IllegalArgumentException("gateway.browser.ice-transport-policy takes " +
                                           Arrays.stream(values()).map(IceTransportPolicy::value)
                                                 .collect(Collectors.joining(" or ")) + ", got " + value);
    }
}
