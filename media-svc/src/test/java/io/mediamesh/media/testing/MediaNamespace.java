package io.mediamesh.media.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A non-loopback address on this machine for Janus's ICE, made by the test itself: a network namespace
 * and a veth pair whose root end (in this namespace) has {@code 10.213.x.y+1/30} and whose other end,
 * inside the new namespace, has {@code +2}. Janus never gathers candidates on loopback interfaces
 * (JANUS.md), so a browser on this machine could not reach a loopback-only Janus.
 *
 * <p>Janus keeps running in the root namespace, restricted with {@code ice_enforce_list} to the root
 * end ({@link #interfaceName()}): its HTTP APIs, nginx, media-svc and the browser all stay on loopback
 * as in every other test, and only the ICE candidates are on the veth address, which the browser (in
 * the root namespace too) reaches as a local address. Running Janus inside the namespace instead
 * would move its HTTP API off loopback and need routes, a loopback in the namespace and
 * {@code ip netns exec} wrappers around each process, for no gain: the namespace is here only so that
 * the peer end's address is not one of the root namespace's.
 *
 * <p>Needs root (CAP_NET_ADMIN). Names carry this JVM's pid ({@code mm-<pid>-<n>} for namespaces,
 * {@code mm<pid>k<n>} for the root ends), so concurrent test JVMs never share one, and those of a
 * JVM that is gone (killed before it could clean up) are deleted when the next one is made. The
 * subnet starts from the pid too and skips any /30 an interface already has.
 */
public final class MediaNamespace implements AutoCloseable {
    private static final Pattern STALE_NAMESPACE = Pattern.compile("^mm-(\\d+)-\\d+\\b", Pattern.MULTILINE);
    private static final Pattern STALE_LINK = Pattern.compile("^\\d+: (mm(\\d+)k\\d+)[@:]", Pattern.MULTILINE);
    private static final AtomicInteger NEXT = new AtomicInteger();
    private static final int SUBNETS = 16_384;

    private final String namespace;
    private final String link;
    private final String hostAddress;
    private final String peerAddress;
    private final Thread cleanupOnExit;

    private MediaNamespace(String namespace, String link, String hostAddress, String peerAddress) {
        this.namespace = namespace;
        this.link = link;
        this.hostAddress = hostAddress;
        this.peerAddress = peerAddress;
        // A test JVM stopped by a signal (Ctrl-C, surefire's timeout) still removes its links.
        this.cleanupOnExit = new Thread(this::remove, "remove " + namespace);
    }

    /** Removes what killed earlier runs left, then makes a new namespace and veth pair. */
    public static synchronized MediaNamespace create() {
        removeStale();
        long pid = ProcessHandle.current().pid();
        int n = NEXT.getAndIncrement();
        String namespace = "mm-" + pid + '-' + n;
        String link = "mm" + pid + 'k' + n;
        String peer = "mm" + pid + 'p' + n;
        int base = freeSubnet((int) ((pid * 31 + n) % SUBNETS)) * 4;
        String prefix = "10.213." + (base / 256) + '.';
        String host = prefix + (base % 256 + 1);
        String other = prefix + (base % 256 + 2);
        MediaNamespace created = new MediaNamespace(namespace, link, host, other);
        ip("netns", "add", namespace);
        try {
            ip("link", "add", link, "type", "veth", "peer", "name", peer, "netns", namespace);
            ip("addr", "add", host + "/30", "dev", link);
            ip("link", "set", link, "up");
            ip("-n", namespace, "addr", "add", other + "/30", "dev", peer);
            ip("-n", namespace, "link", "set", peer, "up");
            ip("-n", namespace, "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            created.remove();
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(created.cleanupOnExit);
        return created;
    }

    /** The root end of the veth pair, for Janus's {@code ice_enforce_list}. */
    public String interfaceName() {
        return link;
    }

    /** The root end's address: where Janus's ICE candidates are. */
    public String hostAddress() {
        return hostAddress;
    }

    /** The address of the namespace's end. */
    public String peerAddress() {
        return peerAddress;
    }

    public String namespace() {
        return namespace;
    }

    /** Deletes the namespace (which deletes the veth pair with it) and the root end if still there. */
    @Override
    public void close() {
        remove();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // The hook runs anyway.
        }
    }

    private void remove() {
        run(List.of("ip", "netns", "del", namespace));
        run(List.of("ip", "link", "del", link));
    }

    /** Whether {@code name} is a namespace or link of this machine now (for tests of the cleanup). */
    public static boolean exists(String name) {
        String links = run(List.of("ip", "-o", "link", "show"));
        return run(List.of("ip", "netns", "list")).contains(name) || links.contains(" " + name + "@") ||
               links.contains(" " + name + ":");
    }

    private static void removeStale() {
        Matcher namespaces = STALE_NAMESPACE.matcher(run(List.of("ip", "netns", "list")));
        while (namespaces.find()) {
            if (gone(namespaces.group(1))) {
                run(List.of("ip", "netns", "del", namespaces.group().trim()));
            }
        }
        Matcher links = STALE_LINK.matcher(run(List.of("ip", "-o", "link", "show")));
        while (links.find()) {
            if (gone(links.group(2))) {
                run(List.of("ip", "link", "del", links.group(1)));
            }
        }
    }

    private static boolean gone(String pid) {
        return ProcessHandle.of(Long.parseLong(pid)).isEmpty();
    }

    /** The first /30 from {@code start} on that no interface of the root namespace is in. */
    private static int freeSubnet(int start) {
        String addresses = run(List.of("ip", "-o", "-4", "addr", "show"));
        for (int i = 0; i < SUBNETS; i++) {
            int index = (start + i) % SUBNETS;
            int base = index * 4;
            String prefix = "10.213." + (base / 256) + '.';
            boolean taken = false;
            for (int host = 0; host < 4 && !taken; host++) {
                taken = addresses.contains(" " + prefix + (base % 256 + host) + "/");
            }
            if (!taken) {
                return index;
            }
        }
        throw new IllegalStateException("No free /30 in 10.213.0.0/16");
    }

    private static void ip(String... args) {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Result result = exec(command);
        if (result.status != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + result.status + "): " +
                                            result.output.strip() + (ProcessHandle.current().info().user()
                                                    .filter("root"::equals).isEmpty()
                                                    ? " - network namespaces need root" : ""));
        }
    }

    /** Runs {@code command}, returning its output whatever its status. */
    private static String run(List<String> command) {
        return exec(command).output;
    }

    private record Result(int status, String output) {}

    private static Result exec(List<String> command) {
        try {
            Path output = Files.createTempFile("mediamesh-ip-", ".out");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                                                             .redirectOutput(output.toFile()).start();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not finish within 10 s");
                }
                return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
