package io.mediamesh.common.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports on loopback for servers that must know their port before they start. A port the kernel
 * hands out for {@code bind(0)} lies in the ephemeral range (32768+), where any outgoing connection
 * may take it before the server binds it; these come from below that range, are free when chosen,
 * and are never handed out twice in one JVM.
 */
public final class FreePorts {
    private static final int FIRST = 10_000;
    private static final int LAST = 32_000;
    private static final Set<Integer> CLAIMED = ConcurrentHashMap.newKeySet();

    private FreePorts() {}

    public static int tcp() {
        for (int attempt = 0; attempt < 1_000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(FIRST, LAST);
            if (CLAIMED.add(port) && bindable(port)) {
                return port;
            }
        }
        throw new IllegalStateException("No free TCP port on loopback between " + FIRST + " and " + LAST);
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
