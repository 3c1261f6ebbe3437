package io.mediamesh.launcher;

/** A process of the mesh exited, or did not become ready in time, while the mesh started. */
public final class MeshStartException extends Exception {
    public MeshStartException(String message) {
        super(message);
    }
}
