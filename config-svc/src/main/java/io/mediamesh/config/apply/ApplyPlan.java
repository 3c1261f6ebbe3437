package io.mediamesh.config.apply;

import io.mediamesh.api.v1.ApplyPolicy;
import io.mediamesh.api.v1.ConfigFile;
import io.mediamesh.api.v1.ConfigKind;
import io.mediamesh.api.v1.MediaServerRole;
import io.mediamesh.api.v1.PromotionMode;
import java.time.Duration;
import java.util.List;

/**
 * What one apply will do, fully resolved before anything is pushed: every targeted server's files
 * are rendered up front, so a document that cannot render for some server fails the call before
 * any server is touched.
 *
 * @param requestedRevision the revision asked for (0 = latest)
 * @param stages            non-empty stages in ORIGIN, RELAY, EDGE order
 */
public record ApplyPlan(ConfigKind kind, List<MediaServerRole> roles, long requestedRevision, ApplyPolicy policy,
                        PromotionMode promotion, Duration perServerTimeout, int maxParallel,
                        Duration promotionTimeout, String author, String message, List<Stage> stages) {
    public ApplyPlan {
        roles = List.copyOf(roles);
        stages = List.copyOf(stages);
    }

    /** One role's servers, and the revision of the role's document they get. */
    public record Stage(MediaServerRole role, long revision, List<Target> targets) {
        public Stage {
            targets = List.copyOf(targets);
        }
    }

    /** One server and its own rendered files, under their version and digest. */
    public record Target(long serverId, String serverName, MediaServerRole role, String agentEndpoint, String version,
                         String sha256, List<ConfigFile> files) {
        public Target {
            files = List.copyOf(files);
        }
    }

    public int serverCount() {
        return stages.stream().mapToInt(stage -> stage.targets().size()).sum();
    }
}
