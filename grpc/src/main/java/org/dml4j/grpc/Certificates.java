package org.dml4j.grpc;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Test certificates and tokens for a deployment: a CA, a server certificate for given host names and addresses, a
 * client certificate per participant (for mutual TLS), all ECDSA P-256 signed with SHA-256, as PEM files (keys in
 * PKCS#8), and a random 256-bit token per participant. For tests and trials; a production deployment uses its own
 * PKI.
 *
 * <p>Files written into the output folder: {@code ca.pem}, {@code server.pem}, {@code server.key},
 * {@code client-<id>.pem}, {@code client-<id>.key}, {@code tokens.txt} (the coordinator's: {@code <id> <token>} a
 * line) and {@code token-<id>.txt} (each participant's). Keys and tokens are readable by the owner only.
 */
public final class Certificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * What was written.
     *
     * @param ca         the CA certificate
     * @param serverCert the server certificate
     * @param serverKey  its key
     * @param clientCerts client certificates by participant id
     * @param clientKeys  their keys
     * @param tokens     the coordinator's token file
     * @param tokenFiles each participant's token file
     */
    public record Written(Path ca, Path serverCert, Path serverKey, List<Path> clientCerts, List<Path> clientKeys,
                         Path tokens, List<Path> tokenFiles) {
        /** @return the server's TLS files; with {@code mutual}, client certificates are required */
        public Security.TlsFiles server(boolean mutual) {
            return new Security.TlsFiles(serverCert, serverKey, mutual ? ca : null);
        }

        /**
         * @param participant its id
         * @param mutual      whether it presents its certificate
         * @return the participant's TLS files
         */
        public Security.TlsFiles client(int participant, boolean mutual) {
            return mutual ? new Security.TlsFiles(clientCerts.get(participant), clientKeys.get(participant), ca)
                    : new Security.TlsFiles(null, null, ca);
        }
    }

    private Certificates() {
    }

    /**
     * @param dir          output folder (created)
     * @param participants client certificates and tokens to make
     * @param hosts        DNS names and IP addresses the server certificate is valid for (e.g. localhost, 127.0.0.1)
     * @param days         validity
     * @return the files
     */
    public static Written write(Path dir, int participants, List<String> hosts, int days) {
        if (participants < 0) {
            throw new IllegalArgumentException("participants must be >= 0, got " + participants);
        }
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("hosts must name at least one host or address");
        }
        if (days < 1) {
            throw new IllegalArgumentException("days must be >= 1, got " + days);
        }
        try {
            Files.createDirectories(dir);
            KeyPair caKey = keyPair();
            X500Name caName = new X500Name("CN=dml4j test CA");
            X509Certificate ca = sign(caName, caKey, caName, caKey, days, true, null, null);
            Path caFile = write(dir.resolve("ca.pem"), pem(ca), false);
            KeyPair serverKey = keyPair();
            X509Certificate server = sign(new X500Name("CN=dml4j coordinator"), serverKey, caName, caKey, days,
                    false, hosts, KeyPurposeId.id_kp_serverAuth);
            Path serverCert = write(dir.resolve("server.pem"), pem(server) + pem(ca), false);
            Path serverKeyFile = write(dir.resolve("server.key"), pemKey(serverKey), true);
            List<Path> certs = new ArrayList<>();
            List<Path> keys = new ArrayList<>();
            List<Path> tokenFiles = new ArrayList<>();
            StringBuilder tokens = new StringBuilder("# participant-id token\n");
            for (int p = 0; p < participants; p++) {
                KeyPair k = keyPair();
                X509Certificate c = sign(new X500Name("CN=dml4j participant " + p), k, caName, caKey, days, false,
                        null, KeyPurposeId.id_kp_clientAuth);
                certs.add(write(dir.resolve("client-" + p + ".pem"), pem(c) + pem(ca), false));
                keys.add(write(dir.resolve("client-" + p + ".key"), pemKey(k), true));
                byte[] t = new byte[32];
                RANDOM.nextBytes(t);
                String token = HexFormat.of().formatHex(t);
                tokens.append(p).append(' ').append(token).append('\n');
                tokenFiles.add(write(dir.resolve("token-" + p + ".txt"), token + "\n", true));
            }
            Path tokenFile = write(dir.resolve("tokens.txt"), tokens.toString(), true);
            return new Written(caFile, serverCert, serverKeyFile, certs, keys, tokenFile, tokenFiles);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write certificates to " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make certificates: " + e.getMessage(), e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKey, X500Name issuer, KeyPair issuerKey,
                                        int days, boolean isCa, List<String> hosts, KeyPurposeId purpose)
            throws GeneralSecurityException, OperatorCreationException, IOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).abs()
                .add(BigInteger.ONE), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(days))), subject, subjectKey.getPublic());
        JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
        b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey.getPublic()));
        b.addExtension(Extension.authorityKeyIdentifier, false,
                ext.createAuthorityKeyIdentifier(issuerKey.getPublic()));
        if (isCa) {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        }
        if (hosts != null) {
            GeneralName[] names = new GeneralName[hosts.size()];
            for (int i = 0; i < names.length; i++) {
                String h = hosts.get(i);
                names[i] = h.matches("[0-9.]+|.*:.*") ? new GeneralName(GeneralName.iPAddress, h)
                        : new GeneralName(GeneralName.dNSName, h);
            }
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    private static String pem(Object o) throws IOException {
        StringWriter s = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(s)) {
            w.writeObject(o);
        }
        return s.toString();
    }

    private static String pemKey(KeyPair k) throws IOException {
        return pem(new JcaPKCS8Generator(k.getPrivate(), null).generate());
    }

    private static Path write(Path file, String text, boolean secret) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        if (secret) {
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system
            }
        }
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
