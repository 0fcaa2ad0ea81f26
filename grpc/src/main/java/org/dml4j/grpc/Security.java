package org.dml4j.grpc;

import io.grpc.CallCredentials;
import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Authentication of participants and the TLS settings of both sides.
 *
 * <p>Tokens: each participant id has its own secret token. The coordinator keeps only their SHA-256 digests and
 * compares in constant time; a call from an id it does not know, without a token, or with a wrong one ends with
 * UNAUTHENTICATED before any handler runs. Tokens are never logged or put in an error message.
 *
 * <p>TLS: the server presents a certificate chain (PEM) and key (PKCS#8 PEM); with a client CA it requires and checks
 * client certificates (mutual TLS). The participant trusts a CA file and may present its own certificate.
 */
public final class Security {
    /** The authenticated participant id of the current call. */
    public static final Context.Key<Integer> CALLER = Context.key("dml4j-caller");

    private Security() {
    }

    /**
     * TLS files; all null for plaintext (loopback tests only).
     *
     * @param certChain this side's certificate chain (PEM), null for none
     * @param privateKey this side's PKCS#8 key (PEM), null for none
     * @param trustedCa  the CA to trust: the server's (participant side) or the clients' (server side: mutual TLS)
     */
    public record TlsFiles(Path certChain, Path privateKey, Path trustedCa) {
        /** Validates that a certificate comes with its key. */
        public TlsFiles {
            if ((certChain == null) != (privateKey == null)) {
                throw new IllegalArgumentException("a TLS certificate needs its key and a key its certificate, got"
                        + " cert = " + certChain + ", key = " + privateKey);
            }
        }

        /** @return no TLS */
        public static TlsFiles none() {
            return new TlsFiles(null, null, null);
        }

        /** @return whether TLS is on */
        public boolean enabled() {
            return certChain != null || trustedCa != null;
        }
    }

    /**
     * @param tls the participant's files: the CA to trust, and its own certificate and key for mutual TLS
     * @return the channel credentials
     */
    public static ChannelCredentials channelCredentials(TlsFiles tls) {
        if (!tls.enabled()) {
            return InsecureChannelCredentials.create();
        }
        try {
            TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
            if (tls.trustedCa() != null) {
                b.trustManager(tls.trustedCa().toFile());
            }
            if (tls.certChain() != null) {
                b.keyManager(tls.certChain().toFile(), tls.privateKey().toFile());
            }
            return b.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the participant's TLS files", e);
        }
    }

    /**
     * Reads a coordinator's token file: one {@code <participant id> <token>} a line; blank lines and lines starting
     * with {@code #} are skipped.
     *
     * @param file the file
     * @return tokens by participant id
     * @throws IllegalArgumentException naming the line of a malformed or repeated entry (never the token)
     */
    public static Map<Integer, String> readTokens(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file, e);
        }
        Map<Integer, String> out = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length != 2 || !parts[0].matches("\\d{1,9}")) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": expected '<participant id> <token>'");
            }
            if (out.put(Integer.parseInt(parts[0]), parts[1]) != null) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": participant " + parts[0]
                        + " has a token already");
            }
        }
        return out;
    }

    /**
     * @param file a participant's token file (its first non-blank line)
     * @return the token
     */
    public static String readToken(Path file) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    return line.strip();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the token file " + file, e);
        }
        throw new IllegalArgumentException("token file " + file + " is empty");
    }

    /**
     * @param participant the participant id
     * @param token       its token
     * @return credentials that attach both to every call
     */
    public static CallCredentials token(int participant, String token) {
        Objects.requireNonNull(token, "token");
        return new CallCredentials() {
            @Override
            public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
                Metadata m = new Metadata();
                m.put(Wire.PARTICIPANT, Integer.toString(participant));
                m.put(Wire.AUTHORIZATION, "Bearer " + token);
                applier.apply(m);
            }
        };
    }

    static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The server interceptor: checks the caller's id and token and puts the id in {@link #CALLER}. */
    public static final class TokenInterceptor implements ServerInterceptor {
        private static final System.Logger LOG = System.getLogger(TokenInterceptor.class.getName());
        private final Map<Integer, byte[]> digests = new HashMap<>();
        private final AtomicLong refused = new AtomicLong();

        /** @param tokens tokens by participant id (only their digests are kept) */
        public TokenInterceptor(Map<Integer, String> tokens) {
            tokens.forEach((id, t) -> {
                if (t == null || t.isEmpty()) {
                    throw new IllegalArgumentException("the token of participant " + id + " is empty");
                }
                digests.put(id, digest(t));
            });
        }

        /** @return calls refused so far */
        public long refused() {
            return refused.get();
        }

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                          ServerCallHandler<Q, R> next) {
            String id = headers.get(Wire.PARTICIPANT);
            String auth = headers.get(Wire.AUTHORIZATION);
            Integer participant = null;
            if (id != null && id.matches("\\d{1,9}")) {
                participant = Integer.parseInt(id);
            }
            byte[] expected = participant == null ? null : digests.get(participant);
            boolean ok = expected != null && auth != null && auth.startsWith("Bearer ")
                    && MessageDigest.isEqual(expected, digest(auth.substring(7)));
            if (!ok) {
                refused.incrementAndGet();
                String why = expected == null ? "unknown participant" : "bad token";
                LOG.log(System.Logger.Level.WARNING, "refused " + call.getMethodDescriptor().getBareMethodName()
                        + " from participant " + (participant == null ? "(none)" : participant) + ": " + why);
                call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
                return new ServerCall.Listener<>() {
                };
            }
            return Contexts.interceptCall(Context.current().withValue(CALLER, participant), call, headers, next);
        }
    }
}
