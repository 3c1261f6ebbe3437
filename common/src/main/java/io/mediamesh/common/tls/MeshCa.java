package io.mediamesh.common.tls;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The mesh's certificate authority: an EC P-256 key and its self-signed certificate, which issues
 * each identity's certificate (URI SAN {@code spiffe://mediamesh/<name>}, plus the DNS names and IP
 * addresses of its host, for both server and client authentication).
 */
public final class MeshCa {
    public static final Duration CA_VALIDITY = Duration.ofDays(3650);
    public static final Duration CERTIFICATE_VALIDITY = Duration.ofDays(365);
    /** Certificates start a little in the past, so that a peer whose clock lags still accepts them. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final int SAN_URI = 6;

    private final CertifiedKey ca;
    private final SecureRandom random;

    public MeshCa(CertifiedKey ca, SecureRandom random) {
        this.ca = ca;
        this.random = random;
    }

    /** A new CA named {@code commonName}. */
    public static MeshCa create(String commonName, SecureRandom random) {
        KeyPair keys = newKeyPair(random);
        X500Name name = new X500Name("CN=" + commonName);
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    name, serial(random), Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(CA_VALIDITY)), name,
                    keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                   .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                   .addExtension(Extension.subjectKeyIdentifier, false,
                                 extensions.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(builder, keys);
            return new MeshCa(new CertifiedKey(keys.getPrivate(), List.of(certificate)), random);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("Cannot make a CA certificate", e);
        }
    }

    public X509Certificate certificate() {
        return ca.certificate();
    }

    public CertifiedKey caKey() {
        return ca;
    }

    /**
     * A new key and certificate for {@code identity}, valid {@code validity} from now, naming
     * {@code hosts} (DNS names or IP literals) besides the identity.
     */
    public CertifiedKey issue(Identity identity, List<String> hosts, Duration validity) {
        KeyPair keys = newKeyPair(random);
        Instant now = Instant.now();
        List<GeneralName> names = new ArrayList<>();
        names.add(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri()));
        for (String host : hosts) {
            names.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host)
                                        : new GeneralName(GeneralName.dNSName, host));
        }
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    ca.certificate(), serial(random), Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)),
                    new X500Name("CN=" + identity.name().replace('/', '.')), keys.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                   .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                   .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                           new KeyPurposeId[] { KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth }))
                   .addExtension(Extension.subjectAlternativeName, false,
                                 new GeneralNames(names.toArray(GeneralName[]::new)))
                   .addExtension(Extension.authorityKeyIdentifier, false,
                                 extensions.createAuthorityKeyIdentifier(ca.certificate()))
                   .addExtension(Extension.subjectKeyIdentifier, false,
                                 extensions.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(ca.key())));
            return new CertifiedKey(keys.getPrivate(), List.of(certificate));
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("Cannot issue a certificate for " + identity, e);
        }
    }

    /** The mesh identity that {@code certificate}'s URI SAN names, if any. */
    public static Optional<Identity> identityOf(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            for (List<?> name : names) {
                if (((Integer) name.get(0)) == SAN_URI) {
                    Optional<Identity> identity = Identity.fromUri((String) name.get(1));
                    if (identity.isPresent()) {
                        return identity;
                    }
                }
            }
            return Optional.empty();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair keys)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(SIGNATURE).build(keys.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static KeyPair newKeyPair(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("No EC P-256 key generator", e);
        }
    }

    private static BigInteger serial(SecureRandom random) {
        return new BigInteger(128, random);
    }

    private static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:]+") || !host.matches(".*[.:].*")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
