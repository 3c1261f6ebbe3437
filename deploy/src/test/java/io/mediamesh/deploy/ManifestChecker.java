package io.mediamesh.deploy;

import com.typesafe.config.Config;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks rendered manifests against the services' configuration and the mesh's call graph; each
 * broken invariant is one line of {@link #check}'s answer.
 */
final class ManifestChecker {
    /** Where a workload's process listens: configuration paths of its ports, the first one serving /health. */
    record Workload(String name, String module, List<String> portSettings) {}

    /** A call the architecture makes, allowed by the network policies (caller -> callee:port). */
    record Hop(String from, String to, int port) {
        @Override
        public String toString() {
            return from + " -> " + to + ":" + port;
        }
    }

    static final String TLS_MOUNT = "/etc/mediamesh/tls";
    /** The settings naming a process's certificate, key and CA (common's mediamesh.tls). */
    private static final List<String> TLS_FILES = List.of("MEDIAMESH_TLS_CERT", "MEDIAMESH_TLS_KEY", "MEDIAMESH_TLS_CA");
    private static final String APPLY_DRAIN_TIMEOUT = "mediamesh.config-svc.apply.drain-timeout";
    /** How long config-svc's drain waits for the applies it cancelled to roll back (ApplyCoordinator). */
    private static final Duration ROLLBACK_WAIT = Duration.ofSeconds(30);
    /** JVM memory beyond -Xmx: metaspace, code cache, thread stacks, Netty's direct buffers. */
    static final long HEADROOM_BYTES = 256L << 20;
    /** Pods outside the manifests a policy may name: the in-cluster MariaDB of the base. */
    static final Map<String, String> DATABASE_LABELS = Map.of("app.kubernetes.io/name", "mariadb");
    /** What the code calls (see the services' wiring and network-policies.yaml). */
    static final List<Hop> ARCHITECTURE = List.of(
            new Hop("gateway", "user-svc", 9101), new Hop("gateway", "media-svc", 9102),
            new Hop("gateway", "media-svc", 8081), new Hop("gateway", "config-svc", 9103),
            new Hop("gateway", "scheduler-svc", 9104),
            new Hop("media-svc", "user-svc", 9101), new Hop("media-svc", "config-svc", 9103),
            new Hop("config-svc", "user-svc", 9101),
            new Hop("scheduler-svc", "user-svc", 9101), new Hop("scheduler-svc", "media-svc", 9102),
            new Hop("user-svc", "scheduler-svc", 9104));

    private static final Pattern XMX = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");
    private static final Pattern JDBC_HOSTS = Pattern.compile("jdbc:mariadb:(?:[a-z-]+:)?//([^/?]+)");

    private final Map<String, Workload> workloads;
    private final Function<String, ServiceConfig> configs;

    ManifestChecker(List<Workload> workloads, Function<String, ServiceConfig> configs) {
        this.workloads = workloads.stream().collect(Collectors.toMap(Workload::name, w -> w));
        this.configs = configs;
    }

    /** One pod template with its owner's name. */
    private record Pods(String name, HasMetadata owner, PodTemplateSpec template) {
        Map<String, String> labels() {
            return template.getMetadata().getLabels();
        }

        List<ContainerPort> ports() {
            return template.getSpec().getContainers().stream().flatMap(c -> c.getPorts().stream()).toList();
        }
    }

    List<String> check(List<HasMetadata> objects) {
        List<String> problems = new ArrayList<>();
        Map<String, ConfigMap> configMaps = new HashMap<>();
        objects.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
               .forEach(c -> configMaps.put(c.getMetadata().getName(), c));
        List<Pods> pods = new ArrayList<>();
        for (HasMetadata o : objects) {
            if (o instanceof Deployment d) {
                pods.add(new Pods(d.getMetadata().getName(), d, d.getSpec().getTemplate()));
                if (!matches(d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                    problems.add("Deployment " + name(d) + ": its selector does not select its own pods");
                }
            } else if (o instanceof DaemonSet d) {
                pods.add(new Pods(d.getMetadata().getName(), d, d.getSpec().getTemplate()));
                if (!matches(d.getSpec().getSelector(), d.getSpec().getTemplate().getMetadata().getLabels())) {
                    problems.add("DaemonSet " + name(d) + ": its selector does not select its own pods");
                }
            }
        }
        for (Pods p : pods) {
            checkPods(p, configMaps, problems);
        }
        checkServices(objects, pods, problems);
        checkDisruptionBudgets(objects, pods, problems);
        checkAutoscalers(objects, pods, problems);
        checkIngresses(objects, problems);
        checkNetworkPolicies(objects, pods, configMaps, problems);
        return problems;
    }

    private void checkPods(Pods p, Map<String, ConfigMap> configMaps, List<String> problems) {
        String owner = p.owner().getKind() + " " + p.name();
        Workload workload = workloads.get(p.name());
        if (workload == null) {
            problems.add(owner + ": not a known service (" + workloads.keySet() + ")");
            return;
        }
        ServiceConfig config = configs.apply(workload.module());
        PodSpec spec = p.template().getSpec();
        if (spec.getContainers().size() != 1) {
            problems.add(owner + ": expected one container, found " + spec.getContainers().size());
            return;
        }
        Container c = spec.getContainers().get(0);
        String where = owner + " container " + c.getName();
        Map<String, String> environment = new HashMap<>();
        for (EnvVar env : c.getEnv()) {
            if (!config.knows(env.getName())) {
                problems.add(where + ": sets " + env.getName() + ", which " + workload.module()
                             + " does not read (not in its environment.conf)");
            }
            if (env.getValue() != null) {
                environment.put(env.getName(), env.getValue());
                if (env.getName().endsWith("_PASSWORD") || env.getName().endsWith("_TOKEN")) {
                    problems.add(where + ": " + env.getName() + " has a literal value: take it from a Secret");
                }
            }
        }
        for (EnvFromSource from : c.getEnvFrom()) {
            if (from.getConfigMapRef() == null) {
                problems.add(where + ": envFrom takes only ConfigMaps here");
                continue;
            }
            ConfigMap map = configMaps.get(from.getConfigMapRef().getName());
            if (map == null) {
                problems.add(where + ": envFrom names a missing ConfigMap " + from.getConfigMapRef().getName());
                continue;
            }
            map.getData().forEach((name, value) -> {
                if (!config.knows(name)) {
                    problems.add(where + ": ConfigMap " + name(map) + " sets " + name + ", which "
                                 + workload.module() + " does not read (not in its environment.conf)");
                }
                environment.putIfAbsent(name, value);
            });
        }
        Config effective = config.with(environment);
        List<Integer> expectedPorts = workload.portSettings().stream().map(effective::getInt).toList();
        Set<Integer> declared = c.getPorts().stream().map(ContainerPort::getContainerPort)
                                 .collect(Collectors.toCollection(TreeSet::new));
        if (!declared.equals(new TreeSet<>(expectedPorts))) {
            problems.add(where + ": declares ports " + declared + " but its configuration listens on "
                         + new TreeSet<>(expectedPorts) + " " + workload.portSettings());
        }
        int healthPort = expectedPorts.get(0);
        checkProbe(where, "readinessProbe", c.getReadinessProbe(), c, healthPort, problems);
        checkProbe(where, "livenessProbe", c.getLivenessProbe(), c, healthPort, problems);
        if (c.getStartupProbe() != null) {
            checkProbe(where, "startupProbe", c.getStartupProbe(), c, healthPort, problems);
        }
        checkResources(where, c, environment, problems);
        checkFilesAndSecurity(where, p, c, environment, problems);
        if (effective.hasPath(APPLY_DRAIN_TIMEOUT) && workload.module().equals(workload.name())) {
            checkStopBudget(where, spec, c, effective, problems);
        }
        String image = c.getImage() == null ? "" : c.getImage();
        if (!image.matches("(.+/)?mediamesh/" + Pattern.quote(workload.module()) + ":[^/:]+")) {
            problems.add(where + ": image " + image + " is not mediamesh/" + workload.module() + ":<tag> (Jib's name)");
        }
    }

    /**
     * config-svc drains its applies when stopped: Kubernetes must leave it the preStop pause, the
     * drain, the rollbacks of what the drain cancels and the server's graceful shutdown before it kills it.
     */
    private static void checkStopBudget(String where, PodSpec spec, Container c, Config config,
                                        List<String> problems) {
        long preStop = c.getLifecycle() == null || c.getLifecycle().getPreStop() == null
                       || c.getLifecycle().getPreStop().getSleep() == null
                       ? 0 : c.getLifecycle().getPreStop().getSleep().getSeconds();
        Duration needed = Duration.ofSeconds(preStop).plus(config.getDuration(APPLY_DRAIN_TIMEOUT))
                                  .plus(ROLLBACK_WAIT)
                                  .plus(config.getDuration("mediamesh.config-svc.server.graceful-quiet-period"))
                                  .plus(config.getDuration("mediamesh.config-svc.server.graceful-timeout"));
        Long grace = spec.getTerminationGracePeriodSeconds();
        if (grace == null || Duration.ofSeconds(grace).compareTo(needed) < 0) {
            problems.add(where + ": terminationGracePeriodSeconds " + grace + " is shorter than its stop ("
                         + needed.toMillis() / 1000.0 + " s: preStop, apply.drain-timeout, rollbacks "
                         + ROLLBACK_WAIT.toSeconds() + " s, graceful shutdown)");
        }
    }

    private static void checkProbe(String where, String kind, Probe probe, Container c, int port,
                                   List<String> problems) {
        if (probe == null) {
            problems.add(where + ": has no " + kind);
            return;
        }
        if (probe.getHttpGet() == null || !"/health".equals(probe.getHttpGet().getPath())) {
            problems.add(where + ": " + kind + " is not an HTTP GET of /health");
            return;
        }
        Integer probed = containerPort(c.getPorts(), probe.getHttpGet().getPort());
        if (!Objects.equals(probed, port)) {
            problems.add(where + ": " + kind + " probes port " + probe.getHttpGet().getPort().getValue()
                         + ", but /health is served on " + port);
        }
    }

    private static void checkResources(String where, Container c, Map<String, String> environment,
                                       List<String> problems) {
        var resources = c.getResources();
        for (String side : List.of("requests", "limits")) {
            Map<String, Quantity> values = resources == null ? null
                    : side.equals("requests") ? resources.getRequests() : resources.getLimits();
            for (String resource : List.of("cpu", "memory")) {
                if (values == null || !values.containsKey(resource)) {
                    problems.add(where + ": has no " + resource + " " + side);
                }
            }
        }
        if (resources == null || resources.getLimits() == null || !resources.getLimits().containsKey("memory")) {
            return;
        }
        Matcher xmx = XMX.matcher(environment.getOrDefault("JAVA_TOOL_OPTIONS", ""));
        if (!xmx.find()) {
            problems.add(where + ": JAVA_TOOL_OPTIONS sets no -Xmx: the heap would not follow the limit");
            return;
        }
        long heap = Long.parseLong(xmx.group(1)) * switch (xmx.group(2).toLowerCase()) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L;
        };
        BigDecimal limit = Quantity.getAmountInBytes(resources.getLimits().get("memory"));
        if (limit.compareTo(BigDecimal.valueOf(heap + HEADROOM_BYTES)) < 0) {
            problems.add(where + ": memory limit " + resources.getLimits().get("memory") + " leaves less than "
                         + (HEADROOM_BYTES >> 20) + " MiB beside -Xmx" + xmx.group(1) + xmx.group(2));
        }
    }

    private void checkFilesAndSecurity(String where, Pods p, Container c, Map<String, String> environment,
                                       List<String> problems) {
        PodSpec spec = p.template().getSpec();
        Map<String, Volume> volumes = spec.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        environment.forEach((name, value) -> {
            if (name.endsWith("_PASSWORD_FILE")) {
                boolean fromSecret = c.getVolumeMounts().stream().anyMatch(
                        m -> value.startsWith(m.getMountPath() + "/") && volumes.containsKey(m.getName())
                             && volumes.get(m.getName()).getSecret() != null);
                if (!fromSecret) {
                    problems.add(where + ": " + name + " = " + value + " is not in a mounted Secret");
                }
            }
        });
        VolumeMount tls = c.getVolumeMounts().stream().filter(m -> TLS_MOUNT.equals(m.getMountPath())).findFirst()
                           .orElse(null);
        String tlsSecret = "mediamesh-tls-" + p.name();
        if (tls == null || !volumes.containsKey(tls.getName()) || volumes.get(tls.getName()).getSecret() == null
            || !tlsSecret.equals(volumes.get(tls.getName()).getSecret().getSecretName())) {
            problems.add(where + ": does not mount the Secret " + tlsSecret + " at " + TLS_MOUNT);
        } else if (Boolean.TRUE.equals(volumes.get(tls.getName()).getSecret().getOptional())) {
            problems.add(where + ": may start without its identity (the Secret " + tlsSecret + " is optional)");
        }
        for (String file : TLS_FILES) {
            String value = environment.get(file);
            if (value == null || !value.startsWith(TLS_MOUNT + "/")) {
                problems.add(where + ": " + file + " must name a file in " + TLS_MOUNT + " (is " + value + ")");
            }
        }
        var podSecurity = spec.getSecurityContext();
        var security = c.getSecurityContext();
        boolean nonRoot = (security != null && Boolean.TRUE.equals(security.getRunAsNonRoot()))
                          || (podSecurity != null && Boolean.TRUE.equals(podSecurity.getRunAsNonRoot()));
        if (!nonRoot) {
            problems.add(where + ": may run as root (runAsNonRoot)");
        }
        if (security == null || !Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())) {
            problems.add(where + ": its root filesystem is writable (readOnlyRootFilesystem)");
        }
    }

    private static void checkServices(List<HasMetadata> objects, List<Pods> pods, List<String> problems) {
        for (HasMetadata o : objects) {
            if (!(o instanceof Service s)) {
                continue;
            }
            Map<String, String> selector = s.getSpec().getSelector();
            List<Pods> selected = selector == null || selector.isEmpty() ? List.of()
                    : pods.stream().filter(p -> p.labels().entrySet().containsAll(selector.entrySet())).toList();
            if (selected.size() != 1) {
                problems.add("Service " + name(s) + ": selects " + selected.size() + " workloads ("
                             + selected.stream().map(Pods::name).toList() + "), not exactly one");
                continue;
            }
            for (ServicePort port : s.getSpec().getPorts()) {
                IntOrString target = port.getTargetPort() != null ? port.getTargetPort()
                        : new IntOrString(port.getPort());
                if (containerPort(selected.get(0).ports(), target) == null) {
                    problems.add("Service " + name(s) + ": port " + port.getName() + " targets " + target.getValue()
                                 + ", which " + selected.get(0).name() + " does not declare");
                }
            }
        }
    }

    private static void checkDisruptionBudgets(List<HasMetadata> objects, List<Pods> pods, List<String> problems) {
        List<PodDisruptionBudget> budgets = objects.stream().filter(PodDisruptionBudget.class::isInstance)
                                                   .map(PodDisruptionBudget.class::cast).toList();
        for (Pods p : pods) {
            if (budgets.stream().noneMatch(b -> matches(b.getSpec().getSelector(), p.labels()))) {
                problems.add(p.owner().getKind() + " " + p.name() + ": no PodDisruptionBudget selects its pods");
            }
        }
        for (PodDisruptionBudget b : budgets) {
            if (pods.stream().noneMatch(p -> matches(b.getSpec().getSelector(), p.labels()))) {
                problems.add("PodDisruptionBudget " + name(b) + ": selects no pods");
            }
        }
    }

    private static void checkAutoscalers(List<HasMetadata> objects, List<Pods> pods, List<String> problems) {
        for (HasMetadata o : objects) {
            if (o instanceof HorizontalPodAutoscaler h) {
                var ref = h.getSpec().getScaleTargetRef();
                boolean found = pods.stream().anyMatch(p -> p.owner() instanceof Deployment
                                                            && "Deployment".equals(ref.getKind())
                                                            && p.name().equals(ref.getName()));
                if (!found) {
                    problems.add("HorizontalPodAutoscaler " + name(h) + ": scales " + ref.getKind() + " "
                                 + ref.getName() + ", which is not here");
                }
            }
        }
    }

    private static void checkIngresses(List<HasMetadata> objects, List<String> problems) {
        Map<String, Service> services = objects.stream().filter(Service.class::isInstance).map(Service.class::cast)
                                               .collect(Collectors.toMap(s -> s.getMetadata().getName(), s -> s));
        for (HasMetadata o : objects) {
            if (!(o instanceof Ingress ingress)) {
                continue;
            }
            ingress.getSpec().getRules().stream()
                   .flatMap(r -> r.getHttp().getPaths().stream())
                   .map(path -> path.getBackend())
                   .forEach((IngressBackend backend) -> {
                       var ref = backend.getService();
                       Service s = ref == null ? null : services.get(ref.getName());
                       if (s == null) {
                           problems.add("Ingress " + name(ingress) + ": a backend names no Service here");
                       } else if (s.getSpec().getPorts().stream().noneMatch(
                               sp -> Objects.equals(sp.getName(), ref.getPort().getName())
                                     || Objects.equals(sp.getPort(), ref.getPort().getNumber()))) {
                           problems.add("Ingress " + name(ingress) + ": Service " + ref.getName()
                                        + " has no such port");
                       }
                   });
        }
    }

    /**
     * Every policy applies to pods that exist and names peers that exist (or the database); the
     * calls between mesh pods that the policies allow are those of the architecture, no more and
     * no fewer; the services that keep a schema may reach the database of MEDIAMESH_DB_URL, and
     * nothing else may.
     */
    private void checkNetworkPolicies(List<HasMetadata> objects, List<Pods> allPods, Map<String, ConfigMap> configMaps,
                                      List<String> problems) {
        List<NetworkPolicy> policies = objects.stream().filter(NetworkPolicy.class::isInstance)
                                              .map(NetworkPolicy.class::cast).toList();
        if (policies.isEmpty()) {
            return;
        }
        // Policies do not apply to pods on the host's network.
        List<Pods> pods = allPods.stream().filter(p -> !Boolean.TRUE.equals(p.template().getSpec().getHostNetwork()))
                                 .toList();
        for (NetworkPolicy policy : policies) {
            if (pods.stream().noneMatch(p -> matches(policy.getSpec().getPodSelector(), p.labels()))) {
                problems.add("NetworkPolicy " + name(policy) + ": applies to no pods");
            }
            List<NetworkPolicyPeer> peers = new ArrayList<>();
            policy.getSpec().getIngress().forEach(r -> peers.addAll(r.getFrom()));
            policy.getSpec().getEgress().forEach(r -> peers.addAll(r.getTo()));
            for (NetworkPolicyPeer peer : peers) {
                if (peer.getPodSelector() != null && peer.getNamespaceSelector() == null
                    && pods.stream().noneMatch(p -> matches(peer.getPodSelector(), p.labels()))
                    && !matches(peer.getPodSelector(), DATABASE_LABELS)) {
                    problems.add("NetworkPolicy " + name(policy) + ": a peer selects no pods");
                }
            }
        }
        Set<String> allowed = new TreeSet<>();
        for (Pods from : pods) {
            for (Pods to : pods) {
                for (ContainerPort port : to.ports()) {
                    if (allows(policies, from, to, port)) {
                        allowed.add(new Hop(from.name(), to.name(), port.getContainerPort()).toString());
                    }
                }
            }
        }
        Set<String> expected = new TreeSet<>();
        ARCHITECTURE.stream().filter(h -> pods.stream().anyMatch(p -> p.name().equals(h.from()))
                                          && pods.stream().anyMatch(p -> p.name().equals(h.to())))
                    .forEach(h -> expected.add(h.toString()));
        Set<String> extra = new TreeSet<>(allowed);
        extra.removeAll(expected);
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(allowed);
        extra.forEach(h -> problems.add("NetworkPolicies allow " + h + ", a call the mesh does not make"));
        missing.forEach(h -> problems.add("NetworkPolicies block " + h + ", a call the mesh makes"));

        ConfigMap common = configMaps.get("mediamesh-common");
        String url = common == null ? null : common.getData().get("MEDIAMESH_DB_URL");
        if (url == null) {
            return;
        }
        Matcher hosts = JDBC_HOSTS.matcher(url);
        if (!hosts.find()) {
            problems.add("MEDIAMESH_DB_URL " + url + " names no host");
            return;
        }
        for (Pods p : pods) {
            // A service whose configuration has a database block keeps a schema.
            boolean needs = configs.apply(workloads.get(p.name()).module()).reference()
                                   .hasPath("mediamesh." + p.name() + ".database.schema");
            for (String hostPort : hosts.group(1).split(",")) {
                String host = hostPort.replaceAll(":\\d+$", "");
                boolean reaches = egressAllowed(policies, p, peer -> host.matches("[0-9.]+")
                        ? peer.getIpBlock() != null && inBlock(host, peer.getIpBlock().getCidr(),
                                                               peer.getIpBlock().getExcept())
                        : peer.getPodSelector() != null && matches(peer.getPodSelector(), DATABASE_LABELS), 3306);
                if (reaches != needs) {
                    problems.add("NetworkPolicies " + (reaches ? "let " : "keep ") + p.name()
                                 + (reaches ? " reach" : " from") + " the database at " + hostPort);
                }
            }
        }
    }

    private static boolean allows(List<NetworkPolicy> policies, Pods from, Pods to, ContainerPort port) {
        boolean ingress = !isolated(policies, to, "Ingress") || policies.stream().anyMatch(
                policy -> selects(policy, to, "Ingress") && policy.getSpec().getIngress().stream().anyMatch(
                        rule -> portMatches(rule.getPorts(), port)
                                && (rule.getFrom().isEmpty() || rule.getFrom().stream().anyMatch(
                                        peer -> peerSelects(peer, from)))));
        return ingress && egressAllowed(policies, from, peer -> peerSelects(peer, to), port.getContainerPort(),
                                        port.getName());
    }

    private static boolean egressAllowed(List<NetworkPolicy> policies, Pods from,
                                         Predicate<NetworkPolicyPeer> peerMatches, int port) {
        return egressAllowed(policies, from, peerMatches, port, null);
    }

    private static boolean egressAllowed(List<NetworkPolicy> policies, Pods from,
                                         Predicate<NetworkPolicyPeer> peerMatches, int port,
                                         String portName) {
        ContainerPort target = new ContainerPortBuilder().withContainerPort(port).withName(portName).build();
        return !isolated(policies, from, "Egress") || policies.stream().anyMatch(
                policy -> selects(policy, from, "Egress") && policy.getSpec().getEgress().stream().anyMatch(
                        rule -> portMatches(rule.getPorts(), target)
                                && (rule.getTo().isEmpty() || rule.getTo().stream().anyMatch(peerMatches))));
    }

    /** A pod that no policy of this type selects is not isolated: everything is allowed. */
    private static boolean isolated(List<NetworkPolicy> policies, Pods pods, String type) {
        return policies.stream().anyMatch(p -> selects(p, pods, type));
    }

    private static boolean selects(NetworkPolicy policy, Pods pods, String type) {
        List<String> types = policy.getSpec().getPolicyTypes();
        boolean hasType = types.isEmpty() ? type.equals("Ingress") || !policy.getSpec().getEgress().isEmpty()
                : types.contains(type);
        return hasType && matches(policy.getSpec().getPodSelector(), pods.labels());
    }

    private static boolean peerSelects(NetworkPolicyPeer peer, Pods pods) {
        return peer.getPodSelector() != null && peer.getNamespaceSelector() == null
               && matches(peer.getPodSelector(), pods.labels());
    }

    private static boolean portMatches(List<NetworkPolicyPort> ports, ContainerPort port) {
        return ports.isEmpty() || ports.stream().anyMatch(
                p -> p.getPort() == null || Objects.equals(p.getPort().getIntVal(), port.getContainerPort())
                     || (p.getPort().getStrVal() != null && p.getPort().getStrVal().equals(port.getName())));
    }

    private static Integer containerPort(List<ContainerPort> ports, IntOrString port) {
        if (port == null) {
            return null;
        }
        return ports.stream()
                    .filter(p -> port.getIntVal() != null ? port.getIntVal().equals(p.getContainerPort())
                            : port.getStrVal().equals(p.getName()))
                    .map(ContainerPort::getContainerPort).findFirst().orElse(null);
    }

    static boolean matches(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return false;
        }
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (selector.getMatchLabels() != null && !have.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
            String value = have.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean inBlock(String address, String cidr, List<String> except) {
        return inCidr(address, cidr) && except.stream().noneMatch(e -> inCidr(address, e));
    }

    private static boolean inCidr(String address, String cidr) {
        try {
            String[] parts = cidr.split("/");
            byte[] a = InetAddress.getByName(address).getAddress();
            byte[] n = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            if (a.length != n.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >> (i % 8);
                if ((a[i / 8] & mask) != (n[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + address + " or " + cidr, e);
        }
    }

    private static String name(HasMetadata o) {
        return o.getMetadata().getName();
    }
}
