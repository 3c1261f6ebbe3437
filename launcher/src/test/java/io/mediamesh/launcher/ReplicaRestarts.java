package io.mediamesh.launcher;

import java.util.OptionalLong;

/** What the tests that kill a replica's process wait for. */
final class ReplicaRestarts {
    private ReplicaRestarts() {}

    /** True once {@code replica} runs again, as a process other than {@code killedPid}, and is ready. */
    static boolean runsAgainAndIsReady(Replica replica, long killedPid) {
        OptionalLong pid = replica.pid();
        if (pid.isEmpty() || pid.getAsLong() == killedPid) {
            return false;
        }
        try {
            return replica.isReady();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
