package io.mediamesh.gateway.apply;

import com.google.protobuf.Duration;
import io.mediamesh.api.v1.ApplyConfigRequest;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.CancelApply;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.PromoteApply;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.gateway.admin.AdminNames;
import io.mediamesh.gateway.http.JsonBody;
import java.util.Locale;

/**
 * The client's side of an apply in JSON, as ApplyConfig messages. A start is
 * {@code {"kind": "nginx", "roles": ["origin", ...], "revision"?, "policy"?: "all_or_nothing" |
 * "best_effort", "promotion"?: "automatic" | "manual", "per_server_timeout_seconds"?,
 * "max_parallel"?, "promotion_timeout_seconds"?, "message"?}}; over the WebSocket it carries
 * {@code "type": "start"}, and {@code {"type": "promote"}} and {@code {"type": "cancel",
 * "reason"?}} follow.
 */
final class ApplyMessages {
    private ApplyMessages() {}

    /** A WebSocket message. */
    static ApplyConfigRequest fromWebSocket(JsonBody message) {
        String type = message.requiredString("type");
        return switch (type) {
            case "start" -> ApplyConfigRequest.newBuilder().setStart(start(message)).build();
            case "promote" -> ApplyConfigRequest.newBuilder().setPromote(PromoteApply.getDefaultInstance()).build();
            case "cancel" -> ApplyConfigRequest.newBuilder().setCancel(
                    CancelApply.newBuilder().setReason(message.optionalString("reason").orElse(""))).build();
            default -> throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                                    "\"type\" is start, promote or cancel, not \"" + type + "\".");
        };
    }

    static StartApply start(JsonBody body) {
        StartApply.Builder start = StartApply.newBuilder().setKind(AdminNames.parseKind(body.requiredString("kind")));
        for (String role : body.optionalStringList("roles")) {
            start.addRoles(AdminNames.parseRole(role, ErrorCode.INVALID_CONFIG_TARGET));
        }
        body.optionalLong("revision").ifPresent(revision -> {
            if (revision < 0) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "revision must not be negative.");
            }
            start.setRevision(revision);
        });
        body.optionalString("policy").ifPresent(policy -> start.setPolicy(switch (normalize(policy)) {
            case "all_or_nothing" -> ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING;
            case "best_effort" -> ApplyPolicy.APPLY_POLICY_BEST_EFFORT;
            default -> throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                                    "policy is all_or_nothing or best_effort, not \"" + policy + "\".");
        }));
        body.optionalString("promotion").ifPresent(promotion -> start.setPromotion(switch (normalize(promotion)) {
            case "automatic" -> PromotionMode.PROMOTION_MODE_AUTOMATIC;
            case "manual" -> PromotionMode.PROMOTION_MODE_MANUAL;
            default -> throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                                    "promotion is automatic or manual, not \"" + promotion + "\".");
        }));
        body.optionalLong("per_server_timeout_seconds")
            .ifPresent(seconds -> start.setPerServerTimeout(seconds(seconds, "per_server_timeout_seconds")));
        body.optionalLong("promotion_timeout_seconds")
            .ifPresent(seconds -> start.setPromotionTimeout(seconds(seconds, "promotion_timeout_seconds")));
        body.optionalLong("max_parallel").ifPresent(parallel -> {
            if (parallel < 1 || parallel > Integer.MAX_VALUE) {
                throw new MediameshException(ErrorCode.INVALID_REQUEST, "max_parallel must be positive.");
            }
            start.setMaxParallel(parallel.intValue());
        });
        body.optionalString("message").ifPresent(start::setMessage);
        return start.build();
    }

    private static Duration seconds(long seconds, String field) {
        if (seconds < 1 || seconds > 86_400) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, field + " must be between 1 and 86400.");
        }
        return Duration.newBuilder().setSeconds(seconds).build();
    }

    /** Accepts "best-effort" and "BEST_EFFORT" for "best_effort". */
    private static String normalize(String value) {
        return value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    }
}
