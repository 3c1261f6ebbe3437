package io.mediamesh.launcher.plane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("fast")
final class PlanePortsTest {
    @Test
    void eachSlotHasPortsAndRangesOfItsOwn() {
        assertThat(PlanePorts.of(0, 0)).isEqualTo(new PlanePorts(9111, 18088, 17088, 18080, 13478, 20000, 30000, 40000));
        assertThat(PlanePorts.of(3, 0)).isEqualTo(new PlanePorts(9114, 18388, 17388, 18380, 13508, 23000, 33000, 43000));
        assertThat(PlanePorts.last(PlanePorts.of(1, 0).rtpBase())).isEqualTo(21999);
    }

    @Test
    void theOffsetMovesEveryPortAndRange() {
        assertThat(PlanePorts.of(2, 700)).isEqualTo(new PlanePorts(9813, 18988, 17988, 18980, 14198, 22700, 32700, 42700));
    }

    @Test
    void theOffsetIsANumberFromZeroTo20000() {
        assertThat(PlanePorts.offset(null)).isZero();
        assertThat(PlanePorts.offset("")).isZero();
        assertThat(PlanePorts.offset("20000")).isEqualTo(20000);
        for (String wrong : new String[] { "20001", "-1", "7x", "999999" }) {
            assertThatThrownBy(() -> PlanePorts.offset(wrong))
                    .hasMessage("MEDIAMESH_MEDIA_PLANE_PORT_OFFSET must be a number from 0 to 20000 (not " + wrong + ")");
        }
    }

    @Test
    void theDemoIsAnOriginARelayAndTwoEdgesOfOneRelayGroup() {
        assertThat(PlaneServer.DEMO).extracting(PlaneServer::name)
                                    .containsExactly("demo-origin", "demo-relay", "demo-edge-1", "demo-edge-2");
        assertThat(PlaneServer.DEMO).extracting(PlaneServer::relayGroup).containsExactly("", "demo", "demo", "demo");
        assertThat(PlaneServer.DEMO).extracting(PlaneServer::slot).containsExactly(0, 1, 2, 3);
    }
}
