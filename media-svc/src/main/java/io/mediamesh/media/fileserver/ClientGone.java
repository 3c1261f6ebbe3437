package io.mediamesh.media.fileserver;

/** The client closed the connection before its request's body ended: there is nobody left to answer. */
public final class ClientGone extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClientGone() {
        super("The client went away before the body ended.", null, false, false);
    }
}
