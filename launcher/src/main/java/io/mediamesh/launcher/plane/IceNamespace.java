package io.mediamesh.launcher.plane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Janus never gathers ICE candidates on loopback, so a browser on this machine could not reach a
 * loopback-only Janus. As root, the plane makes a network namespace with a veth pair whose root end
 * ({@link #LINK}, {@link #ADDRESS}) is on no other network, and every Janus's ICE is restricted to that
 * end; Janus's APIs, nginx and coturn stay on loopback. Without root it says how to make it by hand.
 */
public final class IceNamespace {
    public static final String NAMESPACE = "mm-plane";
    public static final String LINK = "mmplane0";
    static final String PEER = "mmplane1";
    static final String ADDRESS = "10.213.255.1";
    static final String PEER_ADDRESS = "10.213.255.2";

    private final Optional<Path> ip;
    private final boolean root;
    private final Consumer<String> say;

    /** @param path PATH, where {@code ip} (iproute2) is looked for */
    public IceNamespace(String path, Consumer<String> say) throws IOException {
        this.ip = DaemonTools.program("ip", path);
        this.root = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        this.say = say;
    }

    /** Makes the namespace and its veth unless they are there; false (after the guidance) when it cannot. */
    public boolean up() throws IOException, InterruptedException {
        if (!root || ip.isEmpty()) {
            guidance().forEach(say);
            return false;
        }
        if (ip("link", "show", LINK).status() == 0) {
            return true;
        }
        // Left by a run that was killed after it made the namespace: it is used as it is.
        ip("netns", "add", NAMESPACE);
        require("link", "add", LINK, "type", "veth", "peer", "name", PEER, "netns", NAMESPACE);
        require("addr", "add", ADDRESS + "/30", "dev", LINK);
        require("link", "set", LINK, "up");
        require("-n", NAMESPACE, "addr", "add", PEER_ADDRESS + "/30", "dev", PEER);
        require("-n", NAMESPACE, "link", "set", PEER, "up");
        say.accept("made network namespace " + NAMESPACE + " and veth " + LINK + " (" + ADDRESS
                   + "/30) for Janus's ICE candidates;");
        say.accept("  `./mediamesh media-plane stop` removes them (by hand: ip netns del " + NAMESPACE + ")");
        return true;
    }

    /** Removes the namespace, when root and it is there. */
    public void down() throws IOException, InterruptedException {
        if (!root || ip.isEmpty()) {
            return;
        }
        if (ip("netns", "list").output().lines().anyMatch(line -> line.split(" ")[0].equals(NAMESPACE))) {
            // Deleting the namespace deletes its end of the veth, and so the pair.
            require("netns", "del", NAMESPACE);
            ip("link", "del", LINK);
            say.accept("removed network namespace " + NAMESPACE + " and veth " + LINK);
        }
    }

    static List<String> guidance() {
        return List.of(
                "browsers on this machine cannot join rooms: Janus offers no loopback ICE candidates, and giving it",
                "  another address needs root and iproute2 (ip): run ./mediamesh up as root, or once as root:",
                "  ip netns add " + NAMESPACE + " && ip link add " + LINK + " type veth peer name " + PEER + " netns "
                + NAMESPACE,
                "  ip addr add " + ADDRESS + "/30 dev " + LINK + " && ip link set " + LINK + " up",
                "  ip -n " + NAMESPACE + " addr add " + PEER_ADDRESS + "/30 dev " + PEER + " && ip -n " + NAMESPACE
                + " link set " + PEER + " up");
    }

    private record Run(String command, int status, String output) {}

    private Run ip(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(ip.orElseThrow().toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(String.join(" ", command), process.waitFor(), output);
    }

    /** Runs {@code ip ARGS}; fails with its output unless it succeeds. */
    private void require(String... args) throws IOException, InterruptedException {
        Run run = ip(args);
        if (run.status() != 0) {
            throw new IOException(run.command() + ": " + run.output().strip());
        }
    }
}
