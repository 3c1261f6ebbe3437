package io.mediamesh.media.testing;

import io.mediamesh.common.testing.FreePorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Janus on loopback, run from a config folder of its own (JANUS.md): only the HTTP API and
 * admin API listen, on free ports; the three room plugins carry the given admin keys.
 */
public final class JanusInstance implements AutoCloseable {
    /** UDP ports an instance uses from its base: 200 for the core's media, 200 for the streaming plugin. */
    private static final int PORTS_PER_INSTANCE = 400;
    private static final String LIB = "/usr/lib/x86_64-linux-gnu/janus";
    /**
     * Bases of the UDP ranges held by live instances of this JVM. Janus binds its media ports only
     * when a stream or forwarder needs them, so a probe of the OS alone would hand the same free range
     * to every instance of one mesh; the claims keep them disjoint.
     */
    private static final Set<Integer> CLAIMED_RANGES = ConcurrentHashMap.newKeySet();

    private final Path dir;
    private final int httpPort;
    private final int adminPort;
    private final int rtpBase;
    private final Secrets secrets;
    private String eventsBackend = "";
    private MediaNamespace ice;
    private Process process;

    /** The secrets a Janus is configured with, as config-svc's janus document holds them. */
    public record Secrets(String adminSecret, String videoroomKey, String textroomKey, String streamingKey) {}

    /** Claims a UDP range of its own, given back on {@link #close()}. */
    public JanusInstance(Path parent, String name, Secrets secrets) {
        this.dir = parent.resolve(name);
        this.httpPort = freePort();
        this.adminPort = freePort();
        this.rtpBase = claimUdpRange();
        this.secrets = secrets;
    }

    public int httpPort() {
        return httpPort;
    }

    public int adminPort() {
        return adminPort;
    }

    public String apiUrl() {
        return "http://127.0.0.1:" + httpPort + "/janus";
    }

    /** The streaming plugin's port range, where media-svc allocates stream ports on this server. */
    public Ports streamingPorts() {
        return new Ports(rtpBase + 200, rtpBase + 399);
    }

    /** An inclusive port range. */
    public record Ports(int min, int max) {}

    public Path recordings() {
        return dir.resolve("recordings");
    }

    /**
     * Makes Janus post its plugins' events to {@code url} (its HTTP event handler), as config-svc's
     * rendered files do; takes effect at the next start.
     */
    public JanusInstance withEventsBackend(String url) {
        this.eventsBackend = url;
        return this;
    }

    /**
     * Makes Janus gather its ICE candidates on {@code namespace}'s veth end only, where a browser on
     * this machine reaches them (Janus skips loopback); takes effect at the next start.
     */
    public JanusInstance withIce(MediaNamespace namespace) {
        this.ice = namespace;
        return this;
    }

    /** Writes the config files and starts Janus, returning once its API answers. */
    public JanusInstance start() {
        try {
            Files.createDirectories(recordings());
            writeConfig();
            process = new ProcessBuilder("janus", "-C", dir.resolve("janus.jcfg").toString(), "-F", dir.toString(), "-N")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitUp();
        return this;
    }

    /** Stops Janus (SIGKILL: the test wants it gone now, as after a crash). */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    public void restart() {
        stop();
        start();
    }

    @Override
    public void close() {
        stop();
        CLAIMED_RANGES.remove(rtpBase);
    }

    private void awaitUp() {
        HttpClient http = HttpClient.newHttpClient();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < until) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create(apiUrl() + "/info")).timeout(Duration.ofSeconds(1)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // Not up yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("janus exited with " + process.exitValue() + "; see " + dir);
            }
            sleep(20);
        }
        throw new IllegalStateException("janus did not answer within 10 s; see " + dir);
    }

    private void writeConfig() throws IOException {
        write("janus.jcfg", """
                general: {
                  configs_folder = "%1$s"
                  plugins_folder = "%2$s/plugins"
                  transports_folder = "%2$s/transports"
                  events_folder = "%2$s/events"
                  loggers_folder = "%2$s/loggers"
                  log_to_stdout = false
                  log_to_file = "%1$s/janus.log"
                  debug_level = 4
                  admin_secret = "%3$s"
                  server_name = "test"
                  interface = "%7$s"
                  session_timeout = 60
                }
                %8$s
                media: { rtp_port_range = "%4$d-%5$d" }
                plugins: { disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_videocall.so,libjanus_voicemail.so" }
                transports: { disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,libjanus_websockets.so" }
                loggers: { disable = "libjanus_jsonlog.so" }
                events: { broadcast = %6$s disable = "libjanus_gelfevh.so,libjanus_mqttevh.so,libjanus_nanomsgevh.so,libjanus_rabbitmqevh.so,libjanus_wsevh.so" }
                """.formatted(dir, LIB, secrets.adminSecret(), rtpBase, rtpBase + 199, !eventsBackend.isEmpty(),
                             ice == null ? "127.0.0.1" : ice.hostAddress(),
                             ice == null ? "" : "nat: { ice_enforce_list = \"" + ice.interfaceName() + "\" }"));
        write("janus.eventhandler.sampleevh.jcfg", eventsBackend.isEmpty() ? "general: { enabled = false }\n" : """
                general: { enabled = true events = "plugins" grouping = true json = "compact" backend = "%s" }
                """.formatted(eventsBackend));
        write("janus.transport.http.jcfg", """
                general: { base_path = "/janus" http = true port = %d ip = "127.0.0.1" https = false acl = "127." }
                admin: { admin_base_path = "/admin" admin_http = true admin_port = %d admin_ip = "127.0.0.1" admin_https = false admin_acl = "127." }
                """.formatted(httpPort, adminPort));
        write("janus.plugin.videoroom.jcfg", """
                general: { admin_key = "%s" lock_rtp_forward = true rec_dir = "%s" }
                """.formatted(secrets.videoroomKey(), recordings()));
        write("janus.plugin.textroom.jcfg", """
                general: { admin_key = "%s" json = "plain" }
                """.formatted(secrets.textroomKey()));
        write("janus.plugin.streaming.jcfg", """
                general: { admin_key = "%s" rtp_port_range = "%d-%d" }
                """.formatted(secrets.streamingKey(), streamingPorts().min(), streamingPorts().max()));
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    /**
     * The first of {@link #PORTS_PER_INSTANCE} consecutive UDP ports free on loopback now and not
     * claimed by another instance, so that instances, test runs on one machine and anything else
     * there do not share Janus media ports.
     */
    private static int claimUdpRange() {
        int size = PORTS_PER_INSTANCE;
        // Below Linux's ephemeral range (32768+), where other sockets would come and go.
        int slots = 12_000 / size;
        int first = new Random().nextInt(slots);
        for (int i = 0; i < slots; i++) {
            int base = 20_000 + (first + i) % slots * size;
            if (CLAIMED_RANGES.add(base)) {
                if (udpRangeFree(base, size)) {
                    return base;
                }
                CLAIMED_RANGES.remove(base);
            }
        }
        throw new IllegalStateException("No " + size + " free UDP ports in a row on loopback");
    }

    private static boolean udpRangeFree(int base, int size) {
        List<DatagramSocket> held = new ArrayList<>();
        try {
            for (int port = base; port < base + size; port++) {
                held.add(new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
            return true;
        } catch (SocketException taken) {
            return false;
        } finally {
            held.forEach(DatagramSocket::close);
        }
    }

    public static int freePort() {
        return FreePorts.tcp();
    }


    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
