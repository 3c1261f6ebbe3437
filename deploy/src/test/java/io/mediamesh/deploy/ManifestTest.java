package io.mediamesh.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.mediamesh.deploy.ManifestChecker.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Kubernetes manifests under deploy/k8s: the base, the production overlay (rendered by
 * {@link Kustomize}, patches and all) and the config agent's template, each read into fabric8's
 * typed model with unknown fields refused, then checked by {@link ManifestChecker} against each
 * service's reference.conf and environment.conf. The negative tests break one thing in a copy and
 * show that the reader or the checker says so.
 */
@Tag("fast")
class ManifestTest {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path K8S = REPOSITORY.resolve("deploy/k8s");
    private static final List<Workload> WORKLOADS = List.of(
            new Workload("user-svc", "user-svc", List.of("mediamesh.user-svc.server.port")),
            new Workload("media-svc", "media-svc", List.of("mediamesh.media-svc.server.port",
                                                           "mediamesh.media-svc.file-server.port")),
            new Workload("config-svc", "config-svc", List.of("mediamesh.config-svc.server.port")),
            new Workload("scheduler-svc", "scheduler-svc", List.of("mediamesh.scheduler-svc.server.port")),
            new Workload("gateway", "gateway", List.of("mediamesh.gateway.management.port",
                                                       "mediamesh.gateway.server.port")),
            new Workload("config-agent", "config-svc", List.of("mediamesh.config-agent.server.port")));

    private final Map<String, ServiceConfig> configs = new ConcurrentHashMap<>();
    private final ManifestChecker checker = new ManifestChecker(
            WORKLOADS, module -> configs.computeIfAbsent(module, m -> ServiceConfig.load(REPOSITORY, m)));
    private final StrictManifests reader = new StrictManifests();

    @Test
    void baseHoldsEveryServiceAndKeepsEveryInvariant() {
        List<HasMetadata> objects = reader.parseAll(Kustomize.render(K8S.resolve("base")), "base");

        assertThat(checker.check(objects)).isEmpty();
        assertThat(names(objects, "Deployment"))
                .containsExactlyInAnyOrder("user-svc", "media-svc", "config-svc", "scheduler-svc", "gateway");
        assertThat(names(objects, "HorizontalPodAutoscaler")).containsExactlyInAnyOrder("gateway", "user-svc");
        assertThat(names(objects, "PodDisruptionBudget")).hasSize(5);
    }

    @Test
    void productionOverlayKeepsEveryInvariantWithItsPatches() {
        List<HasMetadata> objects = reader.parseAll(Kustomize.render(K8S.resolve("overlays/production")),
                                                    "overlays/production");

        assertThat(checker.check(objects)).isEmpty();
        Deployment gateway = deployment(objects, "gateway");
        assertThat(gateway.getMetadata().getNamespace()).isEqualTo("mediamesh");
        assertThat(gateway.getSpec().getReplicas()).isEqualTo(2);
        assertThat(gateway.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/mediamesh/gateway:0.1.0");
        assertThat(gateway.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()).isNotNull();
        assertThat(deployment(objects, "config-svc").getSpec().getReplicas()).isEqualTo(2);
        assertThat(names(objects, "Ingress")).containsExactly("mediamesh");
    }

    @Test
    void everyManifestFileAlsoReadsOnItsOwn() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(K8S)) {
            files = walk.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals(
                    "kustomization.yaml") && !f.getParent().getFileName().toString().equals("patches")).toList();
        }
        assertThat(files).hasSizeGreaterThan(8);
        for (Path file : files) {
            assertThat(reader.parseAll(Kustomize.read(file), file.toString())).isNotEmpty();
        }
    }

    @Test
    void agentTemplateKeepsEveryInvariant() {
        List<HasMetadata> objects = new ArrayList<>(reader.parseAll(Kustomize.render(K8S.resolve("agent")), "agent"));
        // It reads the base's ConfigMap.
        objects.addAll(reader.parseAll(Kustomize.read(K8S.resolve("base/common.yaml")), "base"));

        assertThat(checker.check(objects)).isEmpty();
        assertThat(names(objects, "DaemonSet")).containsExactly("config-agent");
    }

    @Test
    void imagesAreNamedAsTheImagesProfileBuildsThem() throws IOException {
        String pom = Files.readString(REPOSITORY.resolve("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>mediamesh-parent</artifactId>\\s*<version>([^<]+)</version>")
                                 .matcher(pom);
        assertThat(version.find()).isTrue();
        assertThat(pom).contains("<image.prefix>mediamesh/</image.prefix>")
                       .contains("<image>${image.prefix}${project.artifactId}:${project.version}</image>");
        List<HasMetadata> objects = new ArrayList<>(reader.parseAll(Kustomize.render(K8S.resolve("base")), "base"));
        objects.addAll(reader.parseAll(Kustomize.render(K8S.resolve("agent")), "agent"));
        for (Workload workload : WORKLOADS) {
            String modulePom = Files.readString(REPOSITORY.resolve(workload.module()).resolve("pom.xml"));
            assertThat(modulePom).contains("<artifactId>" + workload.module() + "</artifactId>");
            String image = objects.stream()
                                  .filter(o -> (o instanceof Deployment || o instanceof DaemonSet)
                                               && o.getMetadata().getName().equals(workload.name()))
                                  .map(o -> o instanceof Deployment d ? d.getSpec().getTemplate()
                                          : ((DaemonSet) o).getSpec().getTemplate())
                                  .map(t -> t.getSpec().getContainers().get(0).getImage())
                                  .findFirst().orElseThrow();
            assertThat(image).isEqualTo("mediamesh/" + workload.module() + ":" + version.group(1));
        }
    }

    @Test
    void anUnknownFieldIsRefused() {
        ObjectNode deployment = baseDocument("Deployment", "user-svc");
        container(deployment).putObject("readinessProbes").put("periodSeconds", 5);

        assertThatThrownBy(() -> reader.parse(deployment, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Deployment/user-svc")
                .hasMessageContaining("readinessProbes");
    }

    @Test
    void anUnknownKindIsRefused() {
        ObjectNode thing = baseDocument("Service", "gateway");
        thing.put("kind", "Gizmo");

        assertThatThrownBy(() -> reader.parse(thing, "test")).isInstanceOf(IllegalArgumentException.class)
                                                             .hasMessageContaining("Gizmo/gateway");
    }

    @Test
    void aContainerWithoutProbesOrLimitsIsReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        ObjectNode c = container(find(docs, "Deployment", "scheduler-svc"));
        c.remove("readinessProbe");
        c.remove("livenessProbe");
        ((ObjectNode) c.get("resources")).remove("limits");

        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactlyInAnyOrder(
                "Deployment scheduler-svc container scheduler-svc: has no readinessProbe",
                "Deployment scheduler-svc container scheduler-svc: has no livenessProbe",
                "Deployment scheduler-svc container scheduler-svc: has no cpu limits",
                "Deployment scheduler-svc container scheduler-svc: has no memory limits");
    }

    @Test
    void wrongPortsEnvironmentAndHeapAreReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        ObjectNode c = container(find(docs, "Deployment", "user-svc"));
        ((ObjectNode) c.get("ports").get(0)).put("containerPort", 9201);
        ArrayNode env = (ArrayNode) c.get("env");
        env.addObject().put("name", "MEDIAMESH_USER_SVC_DATABASE_PASSWORD").put("value", "secret");
        ((ObjectNode) env.get(0)).put("value", "-Xmx700m");

        String where = "Deployment user-svc container user-svc: ";
        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactlyInAnyOrder(
                where + "declares ports [9201] but its configuration listens on [9101] [mediamesh.user-svc.server.port]",
                where + "readinessProbe probes port grpc, but /health is served on 9101",
                where + "livenessProbe probes port grpc, but /health is served on 9101",
                where + "startupProbe probes port grpc, but /health is served on 9101",
                where + "sets MEDIAMESH_USER_SVC_DATABASE_PASSWORD, which user-svc does not read (not in its "
                + "environment.conf)",
                where + "MEDIAMESH_USER_SVC_DATABASE_PASSWORD has a literal value: take it from a Secret",
                where + "memory limit 768Mi leaves less than 256 MiB beside -Xmx700m",
                // The policies let callers reach user-svc on 9101, where it no longer listens.
                "NetworkPolicies block config-svc -> user-svc:9101, a call the mesh makes",
                "NetworkPolicies block gateway -> user-svc:9101, a call the mesh makes",
                "NetworkPolicies block media-svc -> user-svc:9101, a call the mesh makes",
                "NetworkPolicies block scheduler-svc -> user-svc:9101, a call the mesh makes");
    }

    @Test
    void aConfigSvcKilledBeforeItsApplyDrainEndsIsReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        ObjectNode deployment = find(docs, "Deployment", "config-svc");
        ((ObjectNode) deployment.get("spec").get("template").get("spec")).put("terminationGracePeriodSeconds", 60);

        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactly(
                "Deployment config-svc container config-svc: terminationGracePeriodSeconds 60 is shorter than its "
                + "stop (105.5 s: preStop, apply.drain-timeout, rollbacks 30 s, graceful shutdown)");
    }

    @Test
    void anEnvironmentVariableOfAnotherServiceIsReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        // The gateway's class path holds no user-svc environment.conf: it would ignore this.
        ((ArrayNode) container(find(docs, "Deployment", "gateway")).get("env"))
                .addObject().put("name", "MEDIAMESH_SESSION_IDLE_TIMEOUT").put("value", "1h");

        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactly(
                "Deployment gateway container gateway: sets MEDIAMESH_SESSION_IDLE_TIMEOUT, which gateway does not "
                + "read (not in its environment.conf)");
    }

    @Test
    void servicesBudgetsAndAutoscalersThatMissTheirPodsAreReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        ((ObjectNode) find(docs, "Service", "media-files").get("spec").get("selector"))
                .put("app.kubernetes.io/name", "media");
        ((ObjectNode) find(docs, "PodDisruptionBudget", "gateway").at("/spec/selector/matchLabels"))
                .put("app.kubernetes.io/name", "gw");
        ((ObjectNode) find(docs, "HorizontalPodAutoscaler", "user-svc").at("/spec/scaleTargetRef"))
                .put("name", "users");

        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactlyInAnyOrder(
                "Service media-files: selects 0 workloads ([]), not exactly one",
                "Deployment gateway: no PodDisruptionBudget selects its pods",
                "PodDisruptionBudget gateway: selects no pods",
                "HorizontalPodAutoscaler user-svc: scales Deployment users, which is not here");
    }

    @Test
    void aPolicyAllowingACallTheMeshDoesNotMakeIsReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        // config-svc never calls scheduler-svc.
        ObjectNode policy = find(docs, "NetworkPolicy", "config-svc");
        ((ArrayNode) policy.at("/spec/egress")).addObject().putArray("to").addObject()
                .putObject("podSelector").putObject("matchLabels").put("app.kubernetes.io/name", "scheduler-svc");
        ((ArrayNode) find(docs, "NetworkPolicy", "scheduler-svc").at("/spec/ingress/0/from")).addObject()
                .putObject("podSelector").putObject("matchLabels").put("app.kubernetes.io/name", "config-svc");
        // ... and the gateway keeps no schema.
        ((ArrayNode) find(docs, "NetworkPolicy", "mediamesh-database").at("/spec/podSelector/matchExpressions/0/values"))
                .add("gateway");

        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactlyInAnyOrder(
                "NetworkPolicies allow config-svc -> scheduler-svc:9104, a call the mesh does not make",
                "NetworkPolicies let gateway reach the database at mariadb:3306");
    }

    @Test
    void aPolicyBlockingACallTheMeshMakesIsReported() {
        List<ObjectNode> docs = Kustomize.render(K8S.resolve("base"));
        // user-svc's deletion relay calls scheduler-svc.
        ((ObjectNode) find(docs, "NetworkPolicy", "user-svc")).withObject("/spec").remove("egress");

        assertThat(checker.check(reader.parseAll(docs, "test"))).containsExactly(
                "NetworkPolicies block user-svc -> scheduler-svc:9104, a call the mesh makes");
    }

    @Test
    void aPatchWhoseGuardNoLongerHoldsFailsTheRendering(@TempDir Path dir)
            throws IOException {
        Files.createDirectories(dir.resolve("base"));
        Files.writeString(dir.resolve("base/kustomization.yaml"),
                          "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [common.yaml]\n");
        Files.copy(K8S.resolve("base/common.yaml"), dir.resolve("base/common.yaml"));
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [base]
                patches:
                  - path: patch.yaml
                    target: {kind: ConfigMap, name: mediamesh-common}
                """);
        Files.writeString(dir.resolve("patch.yaml"), """
                - op: test
                  path: /data/MEDIAMESH_DB_URL
                  value: "jdbc:mariadb://elsewhere:3306"
                - op: replace
                  path: /data/MEDIAMESH_DB_URL
                  value: "jdbc:mariadb://db:3306"
                """);

        assertThatThrownBy(() -> Kustomize.render(dir)).isInstanceOf(IllegalArgumentException.class)
                                                     .hasMessageContaining("test failed at /data/MEDIAMESH_DB_URL");
    }

    @Test
    void aKustomizationFieldTheRendererDoesNotKnowFailsTheRendering(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                commonLabels: {team: media}
                """);

        assertThatThrownBy(() -> Kustomize.render(dir)).isInstanceOf(IllegalArgumentException.class)
                                                     .hasMessageContaining("commonLabels");
    }

    private static ObjectNode baseDocument(String kind, String name) {
        return find(Kustomize.render(K8S.resolve("base")), kind, name);
    }

    private static ObjectNode find(List<ObjectNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asString())
                                         && name.equals(d.path("metadata").path("name").asString()))
                   .findFirst().orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static ObjectNode container(ObjectNode workload) {
        return (ObjectNode) workload.at("/spec/template/spec/containers/0");
    }

    private static List<String> names(List<HasMetadata> objects, String kind) {
        return objects.stream().filter(o -> kind.equals(o.getKind())).map(o -> o.getMetadata().getName()).toList();
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return objects.stream().filter(o -> o instanceof Deployment && name.equals(o.getMetadata().getName()))
                      .map(Deployment.class::cast).findFirst().orElseThrow();
    }
}
