package io.mediamesh.gateway.admin;

import com.linecorp.armeria.common.AggregatedHttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.annotation.Nullable;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.CoturnConfig;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.GetConfigRequest;
import io.mediamesh.api.v1.GetRevisionRequest;
import io.mediamesh.api.v1.JanusConfig;
import io.mediamesh.api.v1.ListRevisionsRequest;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.NginxConfig;
import io.mediamesh.api.v1.PutConfigRequest;
import io.mediamesh.api.v1.RenderConfigRequest;
import io.mediamesh.api.v1.RevertConfigRequest;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.ConfigSvcClients;
import io.mediamesh.gateway.http.Calls;
import io.mediamesh.gateway.http.Envelope;
import io.mediamesh.gateway.http.JsonBody;
import io.mediamesh.gateway.http.PathParams;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Config documents with their revisions: /api/admin/configs/:kind/:role (kind nginx, janus or
 * coturn; role origin, relay or edge). Admin sessions only (config-svc checks). A write's body is
 * {@code {"document": {...}, "message": "why", "skip_validation": false}}, the document being the
 * kind's (see {@link RevisionView}).
 */
public final class ConfigRoutes {
    /** Writes render the document and run the real tool on it (coturn's trial alone takes seconds). */
    private static final long WRITE_DEADLINE_SECONDS = 30;

    private final ConfigSvcClients configSvc;

    public ConfigRoutes(ConfigSvcClients configSvc) {
        this.configSvc = configSvc;
    }

    @Get("/admin/configs/{kind}/{role}")
    public CompletableFuture<HttpResponse> get(RequestHeaders headers, @Param("kind") String kind,
                                               @Param("role") String role,
                                               @Param("revision") @Nullable String revision) {
        GetConfigRequest call = GetConfigRequest.newBuilder()
                                                .setKind(AdminNames.parseKind(kind))
                                                .setRole(role(role))
                                                .setRevision(revisionOrLatest(revision))
                                                .build();
        return Calls.as(headers, () -> configSvc.configs().getConfig(call))
                    .thenApply(response -> Envelope.ok(RevisionView.of(response.getRevision())));
    }

    @Put("/admin/configs/{kind}/{role}")
    public CompletableFuture<HttpResponse> put(RequestHeaders headers, AggregatedHttpRequest request,
                                               @Param("kind") String kind, @Param("role") String role) {
        ConfigKind configKind = AdminNames.parseKind(kind);
        MediaServerRole serverRole = role(role);
        JsonBody body = JsonBody.parse(request);
        String document = body.optionalObject("document").orElseThrow(
                () -> new MediameshException(ErrorCode.MISSING_FIELD, "Field \"document\" is required."));
        PutConfigRequest call = PutConfigRequest.newBuilder()
                                                .setKind(configKind)
                                                .setRole(serverRole)
                                                .setDocument(document(configKind, document))
                                                .setMessage(body.optionalString("message").orElse(""))
                                                .setSkipValidation(body.optionalBoolean("skip_validation")
                                                                       .orElse(false))
                                                .build();
        return Calls.as(headers, () -> configSvc.configs().withDeadlineAfter(WRITE_DEADLINE_SECONDS, TimeUnit.SECONDS)
                                                .putConfig(call))
                    .thenApply(response -> Envelope.ok(RevisionView.of(response.getRevision())
                                                                   .withValidation(response.getValidated(),
                                                                                   response.getToolOutput())));
    }

    @Get("/admin/configs/{kind}/{role}/revisions")
    public CompletableFuture<HttpResponse> revisions(RequestHeaders headers, @Param("kind") String kind,
                                                     @Param("role") String role,
                                                     @Param("limit") @Nullable String limit,
                                                     @Param("cursor") @Nullable String cursor,
                                                     @Param("include_documents") @Nullable String withDocuments) {
        ListRevisionsRequest call = ListRevisionsRequest.newBuilder()
                                                        .setKind(AdminNames.parseKind(kind))
                                                        .setRole(role(role))
                                                        .setLimit(PathParams.limit(limit))
                                                        .setCursor(cursor == null ? "" : cursor)
                                                        .setIncludeDocuments("true".equals(withDocuments))
                                                        .build();
        return Calls.as(headers, () -> configSvc.configs().listRevisions(call)).thenApply(response -> Envelope.ok(
                new RevisionPage(response.getRevisionsList().stream().map(RevisionView::of).toList(),
                                 response.getNextCursor().isEmpty() ? null : response.getNextCursor())));
    }

    @Get("/admin/configs/{kind}/{role}/revisions/{rev}")
    public CompletableFuture<HttpResponse> revision(RequestHeaders headers, @Param("kind") String kind,
                                                    @Param("role") String role, @Param("rev") String rev) {
        GetRevisionRequest call = GetRevisionRequest.newBuilder()
                                                    .setKind(AdminNames.parseKind(kind))
                                                    .setRole(role(role))
                                                    .setRevision(PathParams.id(rev, "revision"))
                                                    .build();
        return Calls.as(headers, () -> configSvc.configs().getRevision(call))
                    .thenApply(response -> Envelope.ok(RevisionView.of(response.getRevision())));
    }

    @Post("/admin/configs/{kind}/{role}/revert")
    public CompletableFuture<HttpResponse> revert(RequestHeaders headers, AggregatedHttpRequest request,
                                                  @Param("kind") String kind, @Param("role") String role) {
        ConfigKind configKind = AdminNames.parseKind(kind);
        MediaServerRole serverRole = role(role);
        JsonBody body = JsonBody.parse(request);
        long revision = body.requiredLong("revision");
        if (revision <= 0) {
            throw new MediameshException(ErrorCode.INVALID_ID, "revision must be a positive integer.");
        }
        RevertConfigRequest call = RevertConfigRequest.newBuilder()
                                                      .setKind(configKind)
                                                      .setRole(serverRole)
                                                      .setRevision(revision)
                                                      .setMessage(body.optionalString("message").orElse(""))
                                                      .build();
        return Calls.as(headers, () -> configSvc.configs().withDeadlineAfter(WRITE_DEADLINE_SECONDS, TimeUnit.SECONDS)
                                                .revertConfig(call))
                    .thenApply(response -> Envelope.ok(RevisionView.of(response.getRevision())));
    }

    /**
     * The files one server would get from a revision of its role's document (latest by default), as
     * config-svc renders them for an apply; nothing is pushed. For previews and diffs.
     */
    @Get("/admin/servers/{id}/configs/{kind}")
    public CompletableFuture<HttpResponse> rendered(RequestHeaders headers, @Param("id") String id,
                                                    @Param("kind") String kind,
                                                    @Param("revision") @Nullable String revision) {
        RenderConfigRequest call = RenderConfigRequest.newBuilder()
                                                      .setKind(AdminNames.parseKind(kind))
                                                      .setServerId(PathParams.id(id, "id"))
                                                      .setRevision(revisionOrLatest(revision))
                                                      .build();
        return Calls.as(headers, () -> configSvc.configs().renderConfig(call)).thenApply(response -> Envelope.ok(
                new Rendered(response.getRevision(), response.getVersion(), response.getSha256(),
                             response.getFilesList().stream()
                                     .map(file -> new RenderedFile(file.getName(),
                                                                   file.getContent().toString(StandardCharsets.UTF_8)))
                                     .toList())));
    }

    /** A ?revision= query: absent or empty for the latest (0). */
    private static long revisionOrLatest(String revision) {
        return revision == null || revision.isEmpty() ? 0 : PathParams.id(revision, "revision");
    }

    private static MediaServerRole role(String name) {
        return AdminNames.parseRole(name, ErrorCode.INVALID_CONFIG_TARGET);
    }

    /** The kind's document from its JSON. */
    private static ConfigDocument document(ConfigKind kind, String json) {
        ConfigDocument.Builder document = ConfigDocument.newBuilder();
        switch (kind) {
            case CONFIG_KIND_NGINX -> document.setNginx(ProtoViews.parse(json, NginxConfig.newBuilder(), "document"));
            case CONFIG_KIND_JANUS -> document.setJanus(ProtoViews.parse(json, JanusConfig.newBuilder(), "document"));
            default -> document.setCoturn(ProtoViews.parse(json, CoturnConfig.newBuilder(), "document"));
        }
        return document.build();
    }

    record RevisionPage(List<RevisionView> revisions, String nextCursor) {}

    /** A server's rendered files: config files are text, so they travel as UTF-8 strings. */
    record Rendered(long revision, String version, String sha256, List<RenderedFile> files) {}

    record RenderedFile(String name, String content) {}
}
