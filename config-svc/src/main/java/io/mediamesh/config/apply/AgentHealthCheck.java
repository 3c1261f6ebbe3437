package io.mediamesh.config.apply;

import com.linecorp.armeria.common.util.ThreadFactories;
import io.grpc.Deadline;
import io.grpc.StatusRuntimeException;
import io.mediamesh.api.v1.AgentKindStatus;
import io.mediamesh.api.v1.GetAgentStatusRequest;
import io.mediamesh.api.v1.GetAgentStatusResponse;
import io.mediamesh.api.v1.ServerStatus;
import io.mediamesh.common.tls.UntrustedPeerException;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.server.MediaServerRecord;
import io.mediamesh.config.server.MediaServerRepository;
import io.mediamesh.config.server.ServerFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every registered server's status current: on a timer, asks each agent for its status
 * (GetAgentStatus within a deadline). HEALTHY when it answers as the server it is registered as,
 * with its tools installed and no problem to report; UNHEALTHY, with the reason, otherwise. What
 * an agent reports as active is recorded too when it differs from what config-svc last recorded.
 */
public final class AgentHealthCheck implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(AgentHealthCheck.class);
    /** Agents asked at once; each answer takes milliseconds, a silent one at most the deadline. */
    private static final int PARALLEL_CHECKS = 16;

    private final MediaServerRepository servers;
    private final AgentClients agents;
    private final Duration deadline;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            ThreadFactories.newThreadFactory("agent-health-check", true));
    private final ExecutorService checks = Executors.newFixedThreadPool(
            PARALLEL_CHECKS, ThreadFactories.newThreadFactory("agent-health-check-call", true));

    public AgentHealthCheck(MediaServerRepository servers, AgentClients agents, Duration deadline, Clock clock) {
        this.servers = servers;
        this.agents = agents;
        this.deadline = deadline;
        this.clock = clock;
    }

    /** Checks every {@code interval}, the first time one interval from now. */
    public void start(Duration interval) {
        timer.scheduleWithFixedDelay(this::checkAllLogged, interval.toMillis(), interval.toMillis(),
                                     TimeUnit.MILLISECONDS);
    }

    /** One round over every registered server; returns when all of them are recorded. */
    public void checkAll() throws InterruptedException {
        List<Future<?>> round = new ArrayList<>();
        for (MediaServerRecord server : servers.list(ServerFilter.ALL)) {
            round.add(checks.submit(() -> check(server)));
        }
        for (Future<?> check : round) {
            try {
                check.get();
            } catch (java.util.concurrent.ExecutionException e) {
                logger.warn("A health check failed", e.getCause());
            }
        }
    }

    private void check(MediaServerRecord server) {
        GetAgentStatusResponse status;
        try {
            status = agents.agent(server.name(), server.agentEndpoint())
                           .withDeadline(Deadline.after(deadline.toMillis(), TimeUnit.MILLISECONDS))
                           .getAgentStatus(GetAgentStatusRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            Optional<String> untrusted = untrusted(e);
            if (untrusted.isPresent()) {
                logger.warn("The agent endpoint of {} is untrusted: {}", server.name(), untrusted.get());
                record(server, ServerStatus.SERVER_STATUS_UNHEALTHY, untrusted.get());
                return;
            }
            // The description of a failed connection names internal addresses: logged, not told.
            logger.debug("The agent of {} at {} did not answer: {}", server.name(), server.agentEndpoint(),
                         e.getStatus());
            record(server, ServerStatus.SERVER_STATUS_UNHEALTHY,
                   "The agent did not answer (" + e.getStatus().getCode() + ").");
            return;
        }
        List<String> problems = new ArrayList<>();
        if (!status.getServerName().equals(server.name())) {
            problems.add("The agent at this server's agent_endpoint manages " + status.getServerName() +
                         ", not " + server.name() + '.');
        }
        for (AgentKindStatus kind : status.getKindsList()) {
            String name = ConfigKinds.name(kind.getKind());
            if (!kind.getToolAvailable()) {
                problems.add("The tool that checks " + name + " files is not installed.");
            }
            if (!kind.getProblem().isEmpty()) {
                problems.add(name + ": " + kind.getProblem());
            }
            recordReportedVersion(server, kind);
        }
        record(server, problems.isEmpty() ? ServerStatus.SERVER_STATUS_HEALTHY : ServerStatus.SERVER_STATUS_UNHEALTHY,
               String.join(" ", problems));
    }

    /**
     * Why an agent is not trusted, if the call failed at the TLS handshake: its certificate names
     * another identity, or was not issued by the mesh's CA. Nothing was sent to it.
     */
    private static Optional<String> untrusted(StatusRuntimeException e) {
        Optional<UntrustedPeerException> other = UntrustedPeerException.in(e);
        if (other.isPresent()) {
            return Optional.of("Untrusted: the agent_endpoint presents the certificate of " + other.get().presented() +
                               ", not of this server's agent. Nothing was sent to it.");
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SSLHandshakeException) {
                return Optional.of("Untrusted: the agent_endpoint's certificate is not one of the mesh " +
                                   "(TLS handshake refused). Nothing was sent to it.");
            }
        }
        return Optional.empty();
    }

    private void recordReportedVersion(MediaServerRecord listed, AgentKindStatus kind) {
        if (kind.getActiveVersion().isEmpty()) {
            return;
        }
        // Read again: an apply may have recorded the version (with its revision) since the listing.
        MediaServerRecord server = servers.find(listed.id()).orElse(null);
        if (server == null) {
            return;
        }
        boolean known = server.configs().stream().anyMatch(
                config -> config.kind() == kind.getKind() && config.version().equals(kind.getActiveVersion()));
        if (!known) {
            // Not applied by config-svc as far as it knows (revision 0): a rollback by hand, say.
            servers.recordActiveConfig(server.id(), kind.getKind(), kind.getActiveVersion(), 0, clock.instant());
        }
    }

    private void record(MediaServerRecord server, ServerStatus status, String message) {
        if (status != server.status() || !message.equals(server.statusMessage())) {
            logger.info("Server {} is now {}{}", server.name(), status, message.isEmpty() ? "" : ": " + message);
        }
        servers.updateStatus(server.id(), status, message, clock.instant());
    }

    private void checkAllLogged() {
        try {
            checkAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            logger.warn("The agents' health check failed", e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        checks.shutdownNow();
    }
}
