package io.mediamesh.common.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The mesh's CA and certificates in a folder (0700), as {@code ./mediamesh up} keeps them under
 * {@code $MEDIAMESH_HOME/tls}: {@code ca.crt} and {@code ca.key}, and per identity
 * {@code <identity>.crt} and {@code <identity>.key} (keys 0600). The CA is made once; a certificate
 * is issued again when it is missing, expires within {@link #RENEW_BEFORE} or was not issued by
 * the folder's CA (after an operator replaced the CA). An operator's own CA is used as it is, as
 * long as its key is there; without {@code ca.key} nothing is issued and missing certificates are
 * an error.
 */
public final class MeshCaFiles {
    public static final Duration RENEW_BEFORE = Duration.ofDays(30);
    private static final String CA_NAME = "mediamesh CA";

    private final Path dir;
    private final SecureRandom random;

    public MeshCaFiles(Path dir, SecureRandom random) {
        this.dir = dir;
        this.random = random;
    }

    /** Makes what is missing; returns the identities whose certificate was (re)issued. */
    public List<Identity> ensure(List<Identity> identities, List<String> hosts) {
        createFolder();
        Path caCert = dir.resolve("ca.crt");
        Path caKey = dir.resolve("ca.key");
        MeshCa ca;
        if (Files.exists(caCert) && Files.exists(caKey)) {
            ca = new MeshCa(new CertifiedKey(Pem.readKey(caKey), Pem.readCertificates(caCert)), random);
        } else if (Files.exists(caCert)) {
            ca = null;
        } else {
            ca = MeshCa.create(CA_NAME, random);
            Pem.writeKey(caKey, ca.caKey().key());
            Pem.writeCertificates(caCert, ca.caKey().chain());
        }
        List<Identity> issued = new ArrayList<>();
        for (Identity identity : identities) {
            Path cert = dir.resolve(identity.fileStem() + ".crt");
            Path key = dir.resolve(identity.fileStem() + ".key");
            if (Files.exists(cert) && Files.exists(key) && current(Pem.readCertificates(cert).get(0), ca)) {
                continue;
            }
            if (ca == null) {
                throw new IllegalStateException(cert + " is missing or expiring and " + caKey +
                                                " is absent: issue it with your own CA.");
            }
            CertifiedKey certified = ca.issue(identity, hosts, MeshCa.CERTIFICATE_VALIDITY);
            Pem.writeKey(key, certified.key());
            Pem.writeCertificates(cert, certified.chain());
            issued.add(identity);
        }
        return issued;
    }

    private static boolean current(X509Certificate certificate, MeshCa ca) {
        if (certificate.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            return false;
        }
        if (ca == null) {
            return true;
        }
        try {
            certificate.verify(ca.certificate().getPublicKey());
            return true;
        } catch (java.security.GeneralSecurityException e) {
            return false;
        }
    }

    private void createFolder() {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            }
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot make " + dir, e);
        }
    }

    /**
     * {@code MeshCaFiles <folder> [--host <name or address>]... <identity>...}: makes the CA and the
     * identities' certificates that are missing (hosts default to localhost and 127.0.0.1).
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: MeshCaFiles <folder> [--host <name or address>]... <identity>...");
            System.exit(2);
        }
        List<String> hosts = new ArrayList<>();
        List<Identity> identities = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--host") && i + 1 < args.length) {
                hosts.add(args[++i]);
            } else {
                identities.add(new Identity(args[i]));
            }
        }
        if (hosts.isEmpty()) {
            hosts = List.of("localhost", "127.0.0.1");
        }
        List<Identity> issued = new MeshCaFiles(Path.of(args[0]), new SecureRandom()).ensure(identities, hosts);
        for (Identity identity : issued) {
            System.out.println("issued " + identity.uri());
        }
    }
}
