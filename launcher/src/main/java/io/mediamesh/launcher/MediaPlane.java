package io.mediamesh.launcher;

import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.tls.MeshCaFiles;
import io.mediamesh.launcher.plane.AdminApi;
import io.mediamesh.launcher.plane.ApplySummary;
import io.mediamesh.launcher.plane.ConfigRevisions;
import io.mediamesh.launcher.plane.ControlScripts;
import io.mediamesh.launcher.plane.Daemon;
import io.mediamesh.launcher.plane.DaemonTools;
import io.mediamesh.launcher.plane.IceNamespace;
import io.mediamesh.launcher.plane.PidFiles;
import io.mediamesh.launcher.plane.PlanePorts;
import io.mediamesh.launcher.plane.PlaneServer;
import io.mediamesh.launcher.plane.ServerFolder;
import io.mediamesh.launcher.plane.ServerRegistration;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The demo media plane on loopback: one origin, one relay and two edges (relay group "demo"), each a
 * media server with its own config agent, folder ({@code $MEDIAMESH_HOME/media-plane/<server>/}) and
 * ports, running the real nginx, Janus and coturn from the files config-svc applies. {@code up} starts
 * it once the gateway and config-svc run, and stops it first.
 *
 * <p>The agents are a tier of {@link LocalMesh}, supervised and stopped like the services (and, like
 * them, stopping by themselves should the launcher die). The daemons detach and are known by their pid
 * files: an agent restarts them through its reload commands ({@link ControlScripts}) and keeps nothing
 * of them, and they must outlive an agent's restart.
 */
final class MediaPlane {
    private static final String AGENTS_TIER = "media plane agents";
    private static final String AGENT_MAIN = "io.mediamesh.config.agent.AgentMain";

    private final Path home;
    private final int portOffset;
    private final Map<String, String> environment;
    private final Console console;
    private final BooleanSupplier stopRequested;

    /**
     * @param environment what the agents and daemons inherit; {@code MEDIAMESH_HOME} and
     *                    {@code MEDIAMESH_MEDIA_PLANE_PORT_OFFSET} place the plane
     */
    MediaPlane(Map<String, String> environment, Console console, BooleanSupplier stopRequested) {
        this.home = Up.home(environment);
        this.portOffset = PlanePorts.offset(environment.get(PlanePorts.OFFSET_VARIABLE));
        // The agents and the daemons their reloads start have no use for the admin's password.
        Map<String, String> inherited = new HashMap<>(environment);
        inherited.remove("MEDIAMESH_ADMIN_PASSWORD");
        this.environment = Map.copyOf(inherited);
        this.console = console;
        this.stopRequested = stopRequested;
    }

    /** The Janus URLs' origins (nginx's) rooms hand to browsers, which the gateway's site policy must allow. */
    List<String> origins() {
        return PlaneServer.DEMO.stream().map(server -> "http://127.0.0.1:" + server.ports(portOffset).nginx()).toList();
    }

    /**
     * Starts the plane beside the running mesh: the agents in {@code mesh}, the servers registered as
     * {@code adminUser} at {@code gateway}, coturn, janus and nginx applied to them. The mesh runs without
     * the plane when it cannot start; gives up (InterruptedException) once a stop is requested.
     */
    void start(LocalMesh mesh, Path configSvcJar, URI gateway, String adminUser, String adminPassword,
               Optional<Path> tlsDir) throws InterruptedException {
        DaemonTools.Found found = DaemonTools.find(environment.get("PATH"));
        if (found.tools().isEmpty()) {
            say("not started: " + String.join(" ", found.missing()) + " not installed. Install with: "
                + DaemonTools.INSTALL);
            return;
        }
        // Not needed to start: without it, ended room recordings wait (retried, then reported failed).
        if (DaemonTools.program("janus-pp-rec", environment.get("PATH")).isEmpty()) {
            say("room recordings become videos only with janus-pp-rec: apt-get install -y janus-tools");
        }
        try {
            AdminApi api = AdminApi.login(gateway, adminUser, adminPassword, stopRequested);
            requireFreePorts();
            startAgents(mesh, found.tools().get(), configSvcJar, tlsDir);
            for (PlaneServer server : PlaneServer.DEMO) {
                ServerRegistration.register(api, server, server.ports(portOffset), folder(server));
            }
            ConfigRevisions.coturnForLoopback(api);
            ConfigRevisions.nginxForLoopback(api);
            if (iceNamespace().up()) {
                ConfigRevisions.janusIceOn(api, IceNamespace.LINK);
            }
            for (Daemon daemon : Daemon.values()) {
                ApplySummary.apply(api, daemon.kind()).forEach(this::say);
            }
            ensureDaemonsRun();
            status();
        } catch (IOException | MeshStartException | RuntimeException e) {
            console.warn("media plane: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            console.warn("the demo media plane did not start (see above); the mesh runs without it");
        }
    }

    /**
     * Stops the daemons and removes the ICE namespace; the agents stop with the mesh (or, when the
     * launcher was killed, by themselves).
     */
    void stop() {
        try {
            PidFiles.stopAll(PlaneServer.DEMO.stream().map(this::folder).filter(f -> Files.isDirectory(f.dir()))
                                             .toList());
            iceNamespace().down();
            say("stopped");
        } catch (IOException e) {
            console.warn("the demo media plane did not stop cleanly: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            console.warn("the demo media plane's stop was interrupted");
        }
    }

    /** A line per server: what runs, on which port. */
    void status() throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (PlaneServer server : PlaneServer.DEMO) {
            PlanePorts ports = server.ports(portOffset);
            ServerFolder folder = folder(server);
            StringBuilder line = new StringBuilder(server.name() + " (" + server.role() + ")");
            boolean agent = new Readiness.Http(URI.create("http://127.0.0.1:" + ports.agent() + "/health")).answers(http);
            line.append(agent ? "  agent :" + ports.agent() : "  agent down");
            for (Daemon daemon : List.of(Daemon.JANUS, Daemon.NGINX, Daemon.COTURN)) {
                line.append(PidFiles.running(daemon.pidFile(folder)).isPresent()
                            ? "  " + daemon.kind() + " :" + daemon.ports(ports).get(0)
                            : "  " + daemon.kind() + " down");
            }
            say(line.toString());
        }
    }

    /**
     * Refuses to start on a port something else holds: a Janus or agent of another program would answer
     * in our server's place. A daemon of the plane that already runs keeps its ports.
     */
    private void requireFreePorts() throws MeshStartException {
        List<String> taken = new ArrayList<>();
        for (PlaneServer server : PlaneServer.DEMO) {
            PlanePorts ports = server.ports(portOffset);
            List<Integer> wanted = new ArrayList<>(List.of(ports.agent()));
            for (Daemon daemon : Daemon.values()) {
                if (PidFiles.running(daemon.pidFile(folder(server))).isEmpty()) {
                    wanted.addAll(daemon.ports(ports));
                }
            }
            for (int port : wanted) {
                if (!Up.isFree(port) || !udpFree(port)) {
                    String owner = Up.portOwner(port);
                    taken.add("port " + port + " (" + server.name() + ") is held by "
                              + (owner.isEmpty() ? "another process" : owner.strip()));
                }
            }
        }
        if (!taken.isEmpty()) {
            taken.add("not started: free these ports, or move the plane's ports with "
                      + PlanePorts.OFFSET_VARIABLE + "=N");
            throw new MeshStartException(String.join("\n", taken));
        }
    }

    /** coturn listens on UDP too, at the same port. */
    private static boolean udpFree(int port) {
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Each agent's certificate (identity agent/<server>) from the mesh's CA, which config-svc checks
     * before it sends the agent anything; then the agents, as one tier.
     */
    private void startAgents(LocalMesh mesh, DaemonTools tools, Path configSvcJar, Optional<Path> tlsDir)
            throws IOException, MeshStartException, InterruptedException {
        tlsDir.ifPresent(dir -> new MeshCaFiles(dir, new SecureRandom()).ensure(
                PlaneServer.DEMO.stream().map(server -> Identity.agent(server.name())).toList(), Up.CERTIFICATE_HOSTS));
        String classPath = configSvcJar + ":" + configSvcJar.resolveSibling("lib") + "/*";
        List<ProcessSpec> agents = new ArrayList<>();
        for (PlaneServer server : PlaneServer.DEMO) {
            ServerFolder folder = folder(server);
            ControlScripts.write(folder, tools);
            Files.createDirectories(folder.agentRoot());
            int port = server.ports(portOffset).agent();
            Map<String, String> env = new HashMap<>(environment);
            env.put("MEDIAMESH_AGENT_SERVER_NAME", server.name());
            env.put("MEDIAMESH_AGENT_ROOT", folder.agentRoot().toString());
            env.put("MEDIAMESH_AGENT_PORT", Integer.toString(port));
            for (Daemon daemon : Daemon.values()) {
                env.put("MEDIAMESH_AGENT_" + daemon.name() + "_RELOAD", "sh " + folder.controlScript(daemon) + " restart");
            }
            // A small heap and a quick start: four agents run beside the whole mesh.
            agents.add(new ProcessSpec(
                    server.name() + "-agent",
                    List.of(Up.java(), "-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                            "-Dcom.linecorp.armeria.useOpenSsl=false", "-cp", classPath, AGENT_MAIN),
                    env, folder.dir(), folder.agentLog(),
                    new Readiness.Http(URI.create("http://127.0.0.1:" + port + "/health")), Up.SERVICE_START));
        }
        mesh.startTier(new LocalMesh.Tier(AGENTS_TIER, agents));
    }

    /** An apply of files already in force runs no reload: this starts what does not run (after a reboot). */
    private void ensureDaemonsRun() throws IOException, InterruptedException {
        for (PlaneServer server : PlaneServer.DEMO) {
            ServerFolder folder = folder(server);
            for (Daemon daemon : Daemon.values()) {
                ProcessBuilder ensure = new ProcessBuilder("sh", folder.controlScript(daemon).toString(), "ensure")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
                ensure.environment().clear();
                ensure.environment().putAll(environment);
                Process process = ensure.start();
                process.getOutputStream().close();
                if (process.waitFor() != 0) {
                    say(server.name() + ": " + daemon.kind() + " did not start; see " + folder.dir());
                }
            }
        }
    }

    private ServerFolder folder(PlaneServer server) {
        return ServerFolder.of(home, server);
    }

    private IceNamespace iceNamespace() throws IOException {
        return new IceNamespace(environment.get("PATH"), this::say);
    }

    private void say(String line) {
        console.say("media plane: " + line);
    }
}
