package io.mediamesh.launcher;

/** What {@link LocalMesh} runs as one replica: a process of its own, or a service in this JVM. */
public sealed interface ReplicaSpec permits ProcessSpec, InJvmSpec {
    /** Its name in messages, e.g. {@code user-svc-1}. */
    String name();
}
