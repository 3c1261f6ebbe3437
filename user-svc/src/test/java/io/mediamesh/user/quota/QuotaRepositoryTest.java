package io.mediamesh.user.quota;

import static io.mediamesh.user.db.Tables.USER_QUOTAS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mediamesh.api.v1.ErrorCode;
import io.mediamesh.api.v1.UpdateQuotaRequest;
import io.mediamesh.common.db.Database;
import io.mediamesh.common.error.MediameshException;
import io.mediamesh.common.testing.TestDatabase;
import io.mediamesh.user.UserSvc;
import io.mediamesh.user.user.UserAccount;
import io.mediamesh.user.user.UserRepository;
import io.mediamesh.user.user.UserRole;
import io.mediamesh.user.video.VideoRecord;
import io.mediamesh.user.video.VideoRepository;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The quota checks on the real MariaDB: limits over defaults, usage, and checks that hold under concurrency. */
class QuotaRepositoryTest {
    @RegisterExtension
    @Order(1)
    static final TestDatabase db = new TestDatabase();

    static final Limits DEFAULTS = new Limits(3, 1000, 20, 10);
    static final String SHA = "a".repeat(64);

    static Database database;
    static QuotaRepository quotas;
    static UserRepository users;
    static VideoRepository videos;

    @BeforeAll
    static void open() {
        database = Database.open(db.settings(), UserSvc.MIGRATIONS);
        quotas = new QuotaRepository(database.dsl(), DEFAULTS);
        users = new UserRepository(database.dsl());
        videos = new VideoRepository(database.dsl(), quotas, Duration.ofSeconds(1), 100);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    @Test
    void limitsAreTheAdminsOverTheDefaults() {
        UserAccount user = user("limits");
        assertThat(quotas.limits(user.id())).isEqualTo(DEFAULTS);
        quotas.set(user.id(), Overrides.of(UpdateQuotaRequest.newBuilder().setVideos(7).setStreams(0).build()));
        assertThat(quotas.limits(user.id())).isEqualTo(new Limits(7, 1000, 20, 0));
        quotas.set(user.id(), Overrides.of(UpdateQuotaRequest.newBuilder().setStoredBytes(5).build()));
        assertThat(quotas.limits(user.id())).isEqualTo(new Limits(3, 5, 20, 10));
        quotas.set(user.id(), Overrides.NONE);
        assertThat(quotas.limits(user.id())).isEqualTo(DEFAULTS);
        assertThat(database.dsl().fetchCount(USER_QUOTAS, USER_QUOTAS.USER_ID.eq(user.id()))).isZero();

        assertThatThrownBy(() -> Overrides.of(UpdateQuotaRequest.newBuilder().setRooms(-1).build()))
                .isInstanceOfSatisfying(MediameshException.class,
                                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST))
                .hasMessageContaining("rooms");
    }

    @Test
    void theOverridesGoWithTheUser() {
        UserAccount user = user("goner");
        quotas.set(user.id(), new Overrides(OptionalLong.of(1), OptionalLong.empty(), OptionalLong.empty(),
                                            OptionalLong.empty()));
        users.delete(user.id(), Instant.now());
        assertThat(database.dsl().fetchCount(USER_QUOTAS, USER_QUOTAS.USER_ID.eq(user.id()))).isZero();
    }

    @Test
    void videoRecordsStopAtTheLimitAndDeletedOnesDoNotCount() {
        UserAccount user = user("records");
        List<VideoRecord> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(videos.insert(user.id(), user.userName(), "v" + i, "", Instant.now()));
        }
        assertQuotaExceeded(() -> videos.insert(user.id(), user.userName(), "v3", "", Instant.now()),
                            "videos (limit 3)");
        assertThat(quotas.usage(user.id()).videos()).isEqualTo(3);
        videos.markDeleted(made.get(0).id(), Instant.now());
        videos.insert(user.id(), user.userName(), "v3", "", Instant.now());
        assertThat(quotas.usage(user.id()).videos()).isEqualTo(3);
    }

    @Test
    void storedBytesCountAReplacedFileOnce() {
        UserAccount user = user("bytes");
        long first = videos.insert(user.id(), user.userName(), "a", "", Instant.now()).id();
        long second = videos.insert(user.id(), user.userName(), "b", "", Instant.now()).id();
        assertThat(videos.markReady(first, 600, SHA)).isTrue();
        // Replacing the file of the same video: 900 in place of 600, not 1500.
        assertThat(videos.markReady(first, 900, SHA)).isTrue();
        assertQuotaExceeded(() -> videos.markReady(second, 101, SHA), "stored_bytes (limit 1000)");
        assertThat(videos.find(second).orElseThrow().ready()).isFalse();
        assertThat(videos.markReady(second, 100, SHA)).isTrue();
        assertThat(quotas.usage(user.id())).isEqualTo(new Usage(2, 1000));
    }

    @Test
    void concurrentChecksCannotJointlyPassTheLimit() throws Exception {
        UserAccount user = user("racer");
        long first = videos.insert(user.id(), user.userName(), "a", "", Instant.now()).id();
        long second = videos.insert(user.id(), user.userName(), "b", "", Instant.now()).id();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            List<CompletableFuture<Boolean>> marks = new ArrayList<>();
            for (long video : new long[] { first, second }) {
                marks.add(CompletableFuture.supplyAsync(() -> {
                    await(start);
                    try {
                        return videos.markReady(video, 600, SHA);
                    } catch (MediameshException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                        return false;
                    }
                }, pool));
            }
            assertThat(marks.stream().map(CompletableFuture::join)).containsExactlyInAnyOrder(true, false);
            assertThat(quotas.usage(user.id()).storedBytes()).isEqualTo(600);

            // Likewise for records: of three racing for the last slot, one gets it.
            CyclicBarrier three = new CyclicBarrier(3);
            ExecutorService more = Executors.newFixedThreadPool(3);
            List<CompletableFuture<Boolean>> inserts = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                inserts.add(CompletableFuture.supplyAsync(() -> {
                    await(three);
                    try {
                        videos.insert(user.id(), user.userName(), "c", "", Instant.now());
                        return true;
                    } catch (MediameshException e) {
                        assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED);
                        return false;
                    }
                }, more));
            }
            assertThat(inserts.stream().map(CompletableFuture::join).filter(ok -> ok)).hasSize(1);
            more.shutdown();
            assertThat(quotas.usage(user.id()).videos()).isEqualTo(3);
        } finally {
            pool.shutdown();
        }
    }

    private static UserAccount user(String name) {
        return users.insert(name, "hash", UserRole.USER, Instant.now()).orElseThrow();
    }

    private static void assertQuotaExceeded(Supplier<?> call, String named) {
        assertThatThrownBy(call::get).isInstanceOfSatisfying(
                MediameshException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED))
                                     .hasMessage("quota exceeded: " + named);
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
