package io.mediamesh.config.bench;

import io.mediamesh.api.v1.ApplyConfigResponse;
import io.mediamesh.api.v1.ApplyEvent;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ApplyStep;
import io.mediamesh.api.v1.ApplySummary;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CreateServerRequest;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.testing.TestMeshCa;
import io.mediamesh.common.time.Times;
import io.mediamesh.config.testing.ApplyStream;
import io.mediamesh.config.testing.ConfigSvcFixture;
import io.mediamesh.config.testing.Servers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a new nginx revision to N agents on loopback (ORIGIN -> RELAY -> EDGE, all-or-nothing,
 * nginx -t on every server) and prints the time from sending start to the first event and to the
 * summary. Run by bench/config-apply.sh; arguments: agents, agent JVMs, max_parallel, runs.
 */
public final class ConfigApplyBench {
    private ConfigApplyBench() {}

    public static void main(String[] args) throws Exception {
        int agents = Integer.parseInt(args[0]);
        int hosts = Integer.parseInt(args[1]);
        int maxParallel = Integer.parseInt(args[2]);
        int runs = Integer.parseInt(args[3]);
        Path parent = Files.createTempDirectory("mediamesh-apply-bench-");
        ConfigSvcFixture mesh = new ConfigSvcFixture();
        List<Process> fleet = new ArrayList<>();
        try {
            mesh.start("apply_bench");
            TestMeshCa.writeCa(parent.resolve("tls"));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                names.add(String.format("bench-%03d", i));
            }
            Instant launching = Instant.now();
            for (int host = 0; host < hosts; host++) {
                List<String> command = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-XX:+UseSerialGC", "-Dcom.linecorp.armeria.useOpenSsl=false",
                        "-cp", System.getProperty("java.class.path"),
                        AgentFleet.class.getName(), parent.toString()));
                for (int i = host; i < agents; i += hosts) {
                    command.add(names.get(i));
                }
                fleet.add(new ProcessBuilder(command).redirectErrorStream(true)
                                                     .redirectOutput(parent.resolve("fleet-" + host + ".log").toFile())
                                                     .start());
            }
            String admin = mesh.adminSession();
            for (int i = 0; i < agents; i++) {
                String name = names.get(i);
                MediaServerRole role = i < agents / 25 + 1 ? MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN
                                       : i < agents / 5 ? MediaServerRole.MEDIA_SERVER_ROLE_RELAY
                                       : MediaServerRole.MEDIA_SERVER_ROLE_EDGE;
                mesh.servers(admin).createServer(CreateServerRequest.newBuilder().setServer(
                        Servers.loopback(name, role).setAgentEndpoint("127.0.0.1:" + awaitPort(parent.resolve(name))))
                                                                    .build());
            }
            System.out.printf("%d agents in %d JVMs ready in %d ms; max_parallel %d%n", agents, hosts,
                              Duration.between(launching, Instant.now()).toMillis(), maxParallel);

            // A first apply puts files in force everywhere (and warms the JVMs up); then the measured runs.
            for (int run = 0; run <= runs; run++) {
                newRevision(mesh, admin, run);
                long start = System.nanoTime();
                ApplyStream stream = ApplyStream.start(mesh.port(), admin, StartApply.newBuilder()
                        .setKind(ConfigKind.CONFIG_KIND_NGINX).setPolicy(ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING)
                        .setMaxParallel(maxParallel).build());
                stream.await(ApplyConfigResponse::hasEvent);
                long firstEvent = System.nanoTime() - start;
                ApplySummary summary = stream.summary();
                long total = System.nanoTime() - start;
                System.out.printf("%s: first event %d ms, summary %d ms (%s: %d activated, %d failed); " +
                                  "per server, mean: push %s, validate %s, activate %s%n",
                                  run == 0 ? "warm-up" : "run " + run, firstEvent / 1_000_000, total / 1_000_000,
                                  summary.getOutcome(), summary.getActivated(), summary.getFailed(),
                                  meanStep(stream.events(), ApplyStep.APPLY_STEP_RENDERED, ApplyStep.APPLY_STEP_PUSHED),
                                  meanStep(stream.events(), ApplyStep.APPLY_STEP_PUSHED, ApplyStep.APPLY_STEP_VALIDATED),
                                  meanStep(stream.events(), ApplyStep.APPLY_STEP_VALIDATED,
                                           ApplyStep.APPLY_STEP_ACTIVATED));
            }
        } finally {
            fleet.forEach(Process::destroy);
            for (Process host : fleet) {
                host.waitFor();
            }
            mesh.stop();
            try (var paths = Files.walk(parent)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** A new revision of every role's nginx document, so every server gets a new version. */
    private static void newRevision(ConfigSvcFixture mesh, String admin, int run) {
        for (MediaServerRole role : List.of(MediaServerRole.MEDIA_SERVER_ROLE_ORIGIN,
                                            MediaServerRole.MEDIA_SERVER_ROLE_RELAY,
                                            MediaServerRole.MEDIA_SERVER_ROLE_EDGE)) {
            ConfigDocument.Builder document = mesh.configs(admin).getConfig(GetConfigRequest.newBuilder()
                    .setKind(ConfigKind.CONFIG_KIND_NGINX).setRole(role).build()).getRevision().getDocument().toBuilder();
            document.getNginxBuilder().clearExtraLines().addExtraLines("# bench run " + run);
            mesh.configs(admin).putConfig(PutConfigRequest.newBuilder().setKind(ConfigKind.CONFIG_KIND_NGINX)
                                                          .setRole(role).setDocument(document).build());
        }
    }

    /** The mean time from one step to the next over the servers, from the events' timestamps. */
    private static String meanStep(List<ApplyEvent> events, ApplyStep from, ApplyStep to) {
        Map<Long, Instant> started = new HashMap<>();
        long totalMicros = 0;
        int count = 0;
        for (ApplyEvent event : events) {
            if (event.getStep() == from) {
                started.put(event.getServerId(), Times.fromProto(event.getAt()));
            } else if (event.getStep() == to && started.containsKey(event.getServerId())) {
                totalMicros += Duration.between(started.get(event.getServerId()), Times.fromProto(event.getAt()))
                                       .toNanos() / 1000;
                count++;
            }
        }
        return count == 0 ? "-" : (totalMicros / count / 1000) + " ms";
    }

    private static int awaitPort(Path root) throws Exception {
        Path portFile = root.resolve("agent.port");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
        while (!Files.exists(portFile)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("No agent in " + root);
            }
            Thread.sleep(50);
        }
        return Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
    }
}
