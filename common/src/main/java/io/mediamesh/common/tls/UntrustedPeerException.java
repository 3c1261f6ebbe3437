package io.mediamesh.common.tls;

import java.security.cert.CertificateException;
import java.util.Optional;

/** A peer's certificate is the mesh's but names another identity than the one expected there. */
public final class UntrustedPeerException extends CertificateException {
    private final String presented;

    public UntrustedPeerException(String presented) {
        super("The server's certificate names " + presented + ", not the identity expected there.");
        this.presented = presented;
    }

    /** The identity the certificate names, or "no mesh identity". */
    public String presented() {
        return presented;
    }

    /** The first UntrustedPeerException among {@code failure}'s causes. */
    public static Optional<UntrustedPeerException> in(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof UntrustedPeerException untrusted) {
                return Optional.of(untrusted);
            }
        }
        return Optional.empty();
    }
}
