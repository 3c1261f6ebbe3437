package io.mediamesh.config.revision;

import io.grpc.stub.StreamObserver;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ConfigServiceGrpc;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetConfigResponse;
import io.mediamesh.api.v1.GetRevisionRequest;
import io.mediamesh.api.v1.GetRevisionResponse;
import io.mediamesh.api.v1.ListRevisionsRequest;
import io.mediamesh.api.v1.ListRevisionsResponse;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.PutConfigResponse;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.RenderConfigResponse;
import io.mediamesh.api.v1.RevertConfigRequest;
import io.mediamesh.api.v1.RevertConfigResponse;
import io.mediamesh.common.auth.Callers;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.paging.Page;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.common.validation.Text;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.ServerRoles;
import io.mediamesh.config.render.ConfigRenderer;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.server.MediaServerRecord;
import io.mediamesh.config.server.MediaServerRepository;
import io.mediamesh.config.server.ServerFilter;
import io.mediamesh.config.validate.ConfigValidators;
import io.mediamesh.config.validate.ValidationResult;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ConfigService over gRPC: documents with their revisions, and previews of rendered files (applying
 * them is ApplyService's). Runs on the blocking executor (JDBC, and the validating tools run as
 * processes).
 */
public final class ConfigGrpcService extends ConfigServiceGrpc.ConfigServiceImplBase {
    public static final int MAX_MESSAGE_LENGTH = 1000;
    /** How much of a tool's output goes into an error's message (gRPC sends it in a trailer). */
    private static final int MAX_ERROR_OUTPUT = 4000;

    private static final Logger logger = LoggerFactory.getLogger(ConfigGrpcService.class);

    private final RevisionRepository revisions;
    private final MediaServerRepository servers;
    private final ConfigRendering rendering;
    private final ConfigValidators validators;
    private final Callers callers;
    private final Clock clock;

    public ConfigGrpcService(RevisionRepository revisions, MediaServerRepository servers, ConfigRendering rendering,
                             ConfigValidators validators, Callers callers, Clock clock) {
        this.revisions = revisions;
        this.servers = servers;
        this.rendering = rendering;
        this.validators = validators;
        this.callers = callers;
        this.clock = clock;
    }

    @Override
    public void getConfig(GetConfigRequest request, StreamObserver<GetConfigResponse> response) {
        // media-svc reads the documents of every kind for their secrets: the janus ones to talk to
        // Janus, the nginx ones to sign recording links, the coturn ones to issue TURN credentials.
        callers.requireServiceOrAdmin(Set.of(Identity.MEDIA_SVC));
        ConfigKind kind = ConfigKinds.check(request.getKind());
        MediaServerRole role = ServerRoles.checkTarget(request.getRole());
        if (request.getRevision() < 0) {
            throw new MediameshException(ErrorCode.INVALID_ID, "revision must be 0 (latest) or positive.");
        }
        ConfigRevisionRecord revision = revisions.atOrBefore(kind, role, request.getRevision()).orElseThrow(
                () -> new MediameshException(ErrorCode.REVISION_NOT_FOUND,
                                             "No " + target(kind, role) + " revision at or before " +
                                             request.getRevision() + '.'));
        response.onNext(GetConfigResponse.newBuilder().setRevision(revision.toProto(true)).build());
        response.onCompleted();
    }

    @Override
    public void putConfig(PutConfigRequest request, StreamObserver<PutConfigResponse> response) {
        String author = callers.requireAdmin().getUserName();
        ConfigKind kind = ConfigKinds.check(request.getKind());
        MediaServerRole role = ServerRoles.checkTarget(request.getRole());
        ConfigDocument document = request.getDocument();
        ConfigRenderer.checkKind(kind, document);
        String message = checkMessage(request.getMessage());

        List<MediaServerRecord> targets = serversOf(role);
        List<RenderedConfig> rendered = rendering.renderEach(kind, document, targets);
        PutConfigResponse.Builder out = PutConfigResponse.newBuilder();
        if (!request.getSkipValidation()) {
            if (validators.available(kind)) {
                // One server's files stand for all: they differ only in addresses, ports and names.
                int sample = firstEnabled(targets);
                ValidationResult result = validators.validate(kind, rendered.get(sample).files());
                if (!result.ok()) {
                    throw new MediameshException(
                            ErrorCode.CONFIG_VALIDATION_FAILED,
                            ConfigKinds.name(kind) + " rejected the " + target(kind, role) + " document (rendered for " +
                            "server " + targets.get(sample).name() + "):\n" + abbreviate(result.toolOutput()));
                }
                out.setValidated(true).setToolOutput(result.toolOutput());
            } else {
                logger.warn("The {} tool is not installed here: storing a {} document without checking it.",
                            ConfigKinds.name(kind), target(kind, role));
            }
        }
        ConfigRevisionRecord revision = revisions.insert(kind, role, document, author, message, 0, clock.instant());
        logger.info("{} wrote {} revision {}", author, target(kind, role), revision.revision());
        response.onNext(out.setRevision(revision.toProto(true)).build());
        response.onCompleted();
    }

    @Override
    public void listRevisions(ListRevisionsRequest request, StreamObserver<ListRevisionsResponse> response) {
        callers.requireAdmin();
        ConfigKind kind = ConfigKinds.check(request.getKind());
        MediaServerRole role = request.getRole();
        if (role != MediaServerRole.MEDIA_SERVER_ROLE_UNSPECIFIED) {
            ServerRoles.checkTarget(role);
        }
        Page.Result<ConfigRevisionRecord> page = revisions.page(kind, role, Page.of(request.getLimit(),
                                                                                    request.getCursor()),
                                                                request.getIncludeDocuments());
        ListRevisionsResponse.Builder out = ListRevisionsResponse.newBuilder().setNextCursor(page.nextCursor());
        page.rows().forEach(revision -> out.addRevisions(revision.toProto(request.getIncludeDocuments())));
        response.onNext(out.build());
        response.onCompleted();
    }

    @Override
    public void getRevision(GetRevisionRequest request, StreamObserver<GetRevisionResponse> response) {
        callers.requireAdmin();
        ConfigRevisionRecord revision = findExact(request.getKind(), request.getRole(), request.getRevision());
        response.onNext(GetRevisionResponse.newBuilder().setRevision(revision.toProto(true)).build());
        response.onCompleted();
    }

    @Override
    public void revertConfig(RevertConfigRequest request, StreamObserver<RevertConfigResponse> response) {
        String author = callers.requireAdmin().getUserName();
        ConfigRevisionRecord old = findExact(request.getKind(), request.getRole(), request.getRevision());
        String message = request.getMessage().isEmpty() ? "revert to " + old.revision()
                                                        : checkMessage(request.getMessage());
        // The old document must still fit the servers registered since.
        rendering.renderEach(old.kind(), old.document(), serversOf(old.role()));
        ConfigRevisionRecord revision = revisions.insert(old.kind(), old.role(), old.document(), author, message,
                                                         old.revision(), clock.instant());
        logger.info("{} reverted {} to revision {} as revision {}", author, target(old.kind(), old.role()),
                    old.revision(), revision.revision());
        response.onNext(RevertConfigResponse.newBuilder().setRevision(revision.toProto(true)).build());
        response.onCompleted();
    }

    @Override
    public void renderConfig(RenderConfigRequest request, StreamObserver<RenderConfigResponse> response) {
        callers.requireAdmin();
        ConfigKind kind = ConfigKinds.check(request.getKind());
        long serverId = Text.checkId(request.getServerId(), "server_id");
        MediaServerRecord server = servers.find(serverId).orElseThrow(
                () -> new MediameshException(ErrorCode.SERVER_NOT_FOUND, "No media server " + serverId + '.'));
        long revisionNumber = 0;
        ConfigDocument document = request.getDraft();
        if (!request.hasDraft()) {
            if (request.getRevision() < 0) {
                throw new MediameshException(ErrorCode.INVALID_ID, "revision must be 0 (latest) or positive.");
            }
            ConfigRevisionRecord revision = revisions.atOrBefore(kind, server.role(), request.getRevision())
                    .orElseThrow(() -> new MediameshException(
                            ErrorCode.REVISION_NOT_FOUND, "No " + target(kind, server.role()) +
                                                          " revision at or before " + request.getRevision() + '.'));
            revisionNumber = revision.revision();
            document = revision.document();
        }
        RenderedConfig rendered = rendering.render(kind, document, server);
        response.onNext(RenderConfigResponse.newBuilder()
                                            .setRevision(revisionNumber)
                                            .setVersion(rendered.version(revisionNumber))
                                            .addAllFiles(rendered.files())
                                            .setSha256(rendered.sha256())
                                            .build());
        response.onCompleted();
    }

    private ConfigRevisionRecord findExact(ConfigKind requestedKind, MediaServerRole requestedRole, long number) {
        ConfigKind kind = ConfigKinds.check(requestedKind);
        MediaServerRole role = ServerRoles.checkTarget(requestedRole);
        if (number <= 0) {
            throw new MediameshException(ErrorCode.INVALID_ID, "revision must be a positive integer.");
        }
        return revisions.find(kind, role, number).orElseThrow(
                () -> new MediameshException(ErrorCode.REVISION_NOT_FOUND,
                                             "No revision " + number + " of " + target(kind, role) + '.'));
    }

    /** Every server of the role, or a stand-in when none is registered, so a document is always checked. */
    private List<MediaServerRecord> serversOf(MediaServerRole role) {
        List<MediaServerRecord> registered = servers.list(ServerFilter.allOf(role));
        return registered.isEmpty() ? List.of(MediaServerRecord.sample(role)) : registered;
    }

    private static int firstEnabled(List<MediaServerRecord> servers) {
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).enabled()) {
                return i;
            }
        }
        return 0;
    }

    private static String checkMessage(String message) {
        return Text.check(message, "message", 0, MAX_MESSAGE_LENGTH, true, ErrorCode.INVALID_REQUEST);
    }

    private static String target(ConfigKind kind, MediaServerRole role) {
        return ConfigKinds.name(kind) + '/' + ServerRoles.name(role);
    }

    private static String abbreviate(String output) {
        return output.length() <= MAX_ERROR_OUTPUT ? output : output.substring(0, MAX_ERROR_OUTPUT) + "\n...";
    }
}
