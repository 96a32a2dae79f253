package io.tamtam.agent;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Refuses calls without {@code authorization: Bearer <token>} when the agent has a token. */
final class TokenInterceptor implements ServerInterceptor {
    static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final byte[] expected;

    TokenInterceptor(String token) {
        this.expected = expected(token);
    }

    /** @return {@code Bearer <token>} in UTF-8, or null when the token is empty (no token is required) */
    static byte[] expected(String token) {
        return token.isEmpty() ? null : ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
    }

    /** @return whether {@code given} is {@code expected}, compared in constant time */
    static boolean matches(byte[] expected, String given) {
        return given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (expected != null) {
            String given = headers.get(AUTHORIZATION);
            if (!matches(expected, given)) {
                call.close(Status.UNAUTHENTICATED.withDescription(
                        "this agent requires a token: pass --rpc-token or set TAMTAM_RPC_TOKEN"), new Metadata());
                return new ServerCall.Listener<>() { };
            }
        }
        return next.startCall(call, headers);
    }
}
