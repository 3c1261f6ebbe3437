package io.mediamesh.config.apply;

import com.google.protobuf.util.Durations;
import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PromotionMode;
import io.mediamesh.api.v1.StartApply;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.validation.Text;
import io.mediamesh.config.ConfigKinds;
import io.mediamesh.config.ServerRoles;
import io.mediamesh.config.render.RenderedConfig;
import io.mediamesh.config.revision.ConfigRendering;
import io.mediamesh.config.revision.ConfigRevisionRecord;
import io.mediamesh.config.revision.RevisionRepository;
import io.mediamesh.config.server.MediaServerRecord;
import io.mediamesh.config.server.MediaServerRepository;
import io.mediamesh.config.server.ServerFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves a StartApply into a plan: per role, in ORIGIN -> RELAY -> EDGE order, the enabled
 * servers and the role's revision, and each server's files rendered from it. Roles without
 * enabled servers get no stage. Rendering everything first means a document that does not render
 * for some server refuses the apply before any server is touched.
 */
public final class ApplyPlanner {
    private static final Duration LONGEST_SERVER_TIMEOUT = Duration.ofHours(1);
    private static final Duration LONGEST_PROMOTION_WAIT = Duration.ofDays(1);

    private final MediaServerRepository servers;
    private final RevisionRepository revisions;
    private final ConfigRendering rendering;
    private final ApplySettings settings;

    public ApplyPlanner(MediaServerRepository servers, RevisionRepository revisions, ConfigRendering rendering,
                        ApplySettings settings) {
        this.servers = servers;
        this.revisions = revisions;
        this.rendering = rendering;
        this.settings = settings;
    }

    /**
     * @throws MediameshException INVALID_CONFIG_TARGET, INVALID_REQUEST, REVISION_NOT_FOUND,
     *         CONFIG_RENDER_FAILED
     */
    public ApplyPlan plan(StartApply start, String author) {
        ConfigKind kind = ConfigKinds.check(start.getKind());
        Set<MediaServerRole> asked = EnumSet.noneOf(MediaServerRole.class);
        start.getRolesList().forEach(role -> asked.add(ServerRoles.checkTarget(role)));
        List<MediaServerRole> roles = ServerRoles.ALL.stream()
                                                     .filter(role -> asked.isEmpty() || asked.contains(role)).toList();
        if (start.getRevision() < 0) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, "revision must be 0 (latest) or positive.");
        }
        ApplyPolicy policy = switch (start.getPolicy()) {
            case APPLY_POLICY_UNSPECIFIED, APPLY_POLICY_ALL_OR_NOTHING -> ApplyPolicy.APPLY_POLICY_ALL_OR_NOTHING;
            case APPLY_POLICY_BEST_EFFORT -> ApplyPolicy.APPLY_POLICY_BEST_EFFORT;
            default -> throw new MediameshException(ErrorCode.INVALID_REQUEST, "Unknown policy.");
        };
        PromotionMode promotion = switch (start.getPromotion()) {
            case PROMOTION_MODE_UNSPECIFIED, PROMOTION_MODE_AUTOMATIC -> PromotionMode.PROMOTION_MODE_AUTOMATIC;
            case PROMOTION_MODE_MANUAL -> PromotionMode.PROMOTION_MODE_MANUAL;
            default -> throw new MediameshException(ErrorCode.INVALID_REQUEST, "Unknown promotion mode.");
        };
        Duration perServerTimeout = start.hasPerServerTimeout()
                                    ? duration(start.getPerServerTimeout(), "per_server_timeout", LONGEST_SERVER_TIMEOUT)
                                    : settings.perServerTimeout();
        Duration promotionTimeout = start.hasPromotionTimeout()
                                    ? duration(start.getPromotionTimeout(), "promotion_timeout", LONGEST_PROMOTION_WAIT)
                                    : settings.promotionTimeout();
        int maxParallel = start.getMaxParallel() == 0 ? settings.maxParallel() : start.getMaxParallel();
        if (maxParallel < 1 || maxParallel > settings.maxParallelLimit()) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         "max_parallel must be between 1 and " + settings.maxParallelLimit() + '.');
        }
        String message = Text.check(start.getMessage(), "message", 0, 1000, true, ErrorCode.INVALID_REQUEST);

        List<ApplyPlan.Stage> stages = new ArrayList<>();
        for (MediaServerRole role : roles) {
            List<MediaServerRecord> targets = servers.list(ServerFilter.enabledOf(role));
            if (targets.isEmpty()) {
                continue;
            }
            ConfigRevisionRecord revision = revisions.atOrBefore(kind, role, start.getRevision()).orElseThrow(
                    () -> new MediameshException(ErrorCode.REVISION_NOT_FOUND,
                                                 "No " + ConfigKinds.name(kind) + '/' + ServerRoles.name(role) +
                                                 " revision at or before " + start.getRevision() + '.'));
            List<RenderedConfig> rendered = rendering.renderEach(kind, revision.document(), targets);
            List<ApplyPlan.Target> stageTargets = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                MediaServerRecord server = targets.get(i);
                RenderedConfig files = rendered.get(i);
                stageTargets.add(new ApplyPlan.Target(server.id(), server.name(), role, server.agentEndpoint(),
                                                      files.version(revision.revision()), files.sha256(),
                                                      files.files()));
            }
            stages.add(new ApplyPlan.Stage(role, revision.revision(), stageTargets));
        }
        return new ApplyPlan(kind, roles, start.getRevision(), policy, promotion, perServerTimeout, maxParallel,
                             promotionTimeout, author, message, stages);
    }

    private static Duration duration(com.google.protobuf.Duration value, String field, Duration longest) {
        if (!Durations.isValid(value)) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST, field + " is not a valid duration.");
        }
        Duration duration = Duration.ofMillis(Durations.toMillis(value));
        if (duration.compareTo(Duration.ofSeconds(1)) < 0 || duration.compareTo(longest) > 0) {
            throw new MediameshException(ErrorCode.INVALID_REQUEST,
                                         field + " must be between 1 s and " + longest.toSeconds() + " s.");
        }
        return duration;
    }
}
