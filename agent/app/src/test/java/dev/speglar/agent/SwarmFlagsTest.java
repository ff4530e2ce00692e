package dev.speglar.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code --in-flight-sharing} (agreed with the swarm benchmark), {@code --upload-limit} and their hidden tuning. */
class SwarmFlagsTest {
    private static AgentConfig.Swarm swarm(String... extra) {
        String[] args = new String[extra.length + 2];
        args[0] = "--bootstrap-kind=static";
        args[1] = "--basic-auth-dir=/nonexistent";
        System.arraycopy(extra, 0, args, 2, extra.length);
        return DropInFlagsTest.flags(args).mirror().swarm();
    }

    @Test
    void inFlightSharingIsOnByDefaultAndCanBeTurnedOffForUpstreamBehaviour() {
        assertThat(swarm()).isEqualTo(AgentConfig.Swarm.DEFAULTS);
        assertThat(swarm().inFlightSharing()).isTrue();
        assertThat(swarm("--in-flight-sharing=false").inFlightSharing()).isFalse();
        assertThat(swarm("--in-flight-sharing").inFlightSharing()).isTrue();
    }

    @Test
    void uploadLimitAndTuningAreValidated() {
        assertThat(swarm("--upload-limit=8").uploadLimit()).isEqualTo(8);
        assertThat(swarm("--in-flight-stall=2s", "--in-flight-settle=0").inFlightStall())
                .isEqualTo(Duration.ofSeconds(2));
        assertThatThrownBy(() -> swarm("--upload-limit=-1")).hasMessageContaining("--upload-limit");
    }
}
