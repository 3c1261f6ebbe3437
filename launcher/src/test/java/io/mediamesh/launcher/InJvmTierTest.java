package io.mediamesh.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.mediamesh.common.config.Configs;
import io.mediamesh.common.config.DatabaseSettings;
import io.mediamesh.common.server.RunningService;
import io.mediamesh.common.testing.InJvmServices;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.common.tls.Identity;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.UserSvcSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Services in the test's JVM under LocalMesh, as the fixtures run them: the real user-svc started by its
 * own run(), ready once /health answers, stopped, started and restarted on request, and the tiers stopped
 * in the reverse order of their start.
 */
class InJvmTierTest {
    private final DatabaseSettings database = TestDatabase.settingsFor("injvmtiertest");
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> closed = new CopyOnWriteArrayList<>();
    private LocalMesh mesh;

    @AfterEach
    void stop() throws Exception {
        if (mesh != null) {
            mesh.stop();
        }
        TestDatabase.drop(database);
    }

    @Test
    void aServiceInTheJvmIsStoppedStartedAndRestartedOnRequest() throws Exception {
        mesh = LocalMesh.inThisJvm();
        mesh.startTier(LocalMesh.Tier.inJvm("user-svc", this::userSvc));
        RunningService<?> first = mesh.running("user-svc", 0);
        assertThat(status(first.health())).isEqualTo(200);

        mesh.stop("user-svc", 0);
        assertThat(closed).containsExactly("user-svc");
        assertThat(first.server().activePorts()).as("stopped: listening nowhere").isEmpty();
        assertThatThrownBy(() -> mesh.running("user-svc", 0)).isInstanceOf(IllegalStateException.class)
                                                              .hasMessageContaining("not running");

        mesh.start("user-svc", 0);
        RunningService<?> second = mesh.running("user-svc", 0);
        assertThat(second).isNotSameAs(first);
        assertThat(status(second.health())).isEqualTo(200);

        mesh.restart("user-svc", 0);
        RunningService<?> third = mesh.running("user-svc", 0);
        assertThat(third).isNotSameAs(second);
        assertThat(second.server().activePorts()).isEmpty();
        assertThat(status(third.health())).isEqualTo(200);
        assertThat(closed).containsExactly("user-svc", "user-svc");
    }

    @Test
    void tiersStopInTheReverseOrderOfTheirStart() throws Exception {
        mesh = LocalMesh.inThisJvm();
        mesh.startTier(LocalMesh.Tier.inJvm("first", () -> named("first", userSvc())));
        mesh.startTier(LocalMesh.Tier.inJvm("second", () -> named("second", userSvc())));
        mesh.stop();
        assertThat(closed).containsExactly("user-svc", "second", "user-svc", "first");
        mesh.stop();
        assertThat(closed).as("stopping twice closes nothing twice").hasSize(4);
    }

    @Test
    void aStartThatFailsSaysWhichServiceAndWhy() {
        mesh = LocalMesh.inThisJvm();
        assertThatThrownBy(() -> mesh.startTier(LocalMesh.Tier.inJvm("broken", () -> {
            throw new IllegalStateException("no database here");
        }))).isInstanceOf(MeshStartException.class)
            .hasMessageContaining("cannot start broken")
            .hasMessageContaining("no database here");
    }

    private RunningService<UserSvc> userSvc() throws Exception {
        UserSvcSettings settings = UserSvcSettings.from(ConfigFactory.parseMap(InJvmServices.SETTINGS)
                                                                     .withFallback(Configs.load(Map.of())))
                                                  .withDatabase(database);
        return InJvmServices.closingTls(Identity.USER_SVC, tls -> UserSvc.run(settings, tls, Clock.systemUTC()))
                            .alsoClosing(() -> closed.add("user-svc"));
    }

    private <S> RunningService<S> named(String name, RunningService<S> running) {
        return running.alsoClosing(() -> closed.add(name));
    }

    private int status(URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.discarding())
                   .statusCode();
    }
}
