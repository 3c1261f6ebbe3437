package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class ReplicaCountsTest {
    @Test
    void namedServicesGetTheirCountAndTheOthersOne() {
        ReplicaCounts counts = ReplicaCounts.parse("user-svc=2, gateway=3");
        assertThat(counts.of(MeshService.USER_SVC)).isEqualTo(2);
        assertThat(counts.of(MeshService.GATEWAY)).isEqualTo(3);
        assertThat(counts.of(MeshService.MEDIA_SVC)).isEqualTo(1);
    }

    @Test
    void unknownServicesBadCountsAndRepeatsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ReplicaCounts.parse("users=2")).hasMessageContaining("unknown service users");
        assertThatThrownBy(() -> ReplicaCounts.parse("user-svc=0")).hasMessageContaining("count from 1 to 9");
        assertThatThrownBy(() -> ReplicaCounts.parse("user-svc=x")).hasMessageContaining("not \"x\"");
        assertThatThrownBy(() -> ReplicaCounts.parse("user-svc")).hasMessageContaining("is not SERVICE=N");
        assertThatThrownBy(() -> ReplicaCounts.parse("gateway=2,gateway=3")).hasMessageContaining("named twice");
    }
}
