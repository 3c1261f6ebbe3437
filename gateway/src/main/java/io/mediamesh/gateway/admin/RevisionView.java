package io.mediamesh.gateway.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.mediamesh.api.v1.ConfigDocument;
import io.mediamesh.api.v1.ConfigRevision;
import io.mediamesh.gateway.http.Views;

/**
 * One revision of a (kind, role) config document. {@code document} is the kind's document (the
 * proto's NginxConfig, JanusConfig or CoturnConfig in JSON with snake_case names, every field
 * shown), left out of history listings unless asked for. A write also tells whether the real tool
 * checked it ({@code validated}) and what the tool printed ({@code tool_output}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RevisionView(String kind, String role, long revision, String author, String createdAt,
                           String message, long revertedFrom, JsonNode document, Boolean validated,
                           String toolOutput) {
    public static RevisionView of(ConfigRevision revision) {
        return new RevisionView(AdminNames.kind(revision.getKind()), AdminNames.role(revision.getRole()),
                                revision.getRevision(), revision.getAuthor(), Views.time(revision.getCreatedAt()),
                                revision.getMessage(), revision.getRevertedFrom(),
                                revision.hasDocument() ? document(revision.getDocument()) : null, null, null);
    }

    public RevisionView withValidation(boolean wasValidated, String output) {
        return new RevisionView(kind, role, revision, author, createdAt, message, revertedFrom, document,
                                wasValidated, output);
    }

    private static JsonNode document(ConfigDocument document) {
        return switch (document.getDocumentCase()) {
            case NGINX -> ProtoViews.toJson(document.getNginx());
            case JANUS -> ProtoViews.toJson(document.getJanus());
            case COTURN -> ProtoViews.toJson(document.getCoturn());
            case DOCUMENT_NOT_SET -> null;
        };
    }
}
