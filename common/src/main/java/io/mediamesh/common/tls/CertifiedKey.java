package io.mediamesh.common.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/** A private key with its certificate chain, the key's own certificate first. */
public record CertifiedKey(PrivateKey key, List<X509Certificate> chain) {
    public CertifiedKey {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("A certificate chain needs at least the key's own certificate.");
        }
        chain = List.copyOf(chain);
    }

    public X509Certificate certificate() {
        return chain.get(0);
    }
}
