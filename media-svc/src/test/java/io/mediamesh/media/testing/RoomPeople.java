package io.mediamesh.media.testing;

/**
 * The people of a room test, signed in once per test class: plain users alice and bob (registered on
 * the mesh's user-svc) and the admin; each a session id.
 */
public record RoomPeople(String alice, String bob, String admin) {
    /** Registers alice, then bob, and signs the admin in. */
    public static RoomPeople signIn(RoomMesh mesh) {
        String alice = mesh.userSession("alice");
        String bob = mesh.userSession("bob");
        return new RoomPeople(alice, bob, mesh.adminSession());
    }
}
