/**
 * The federated runtime across machines over gRPC: {@link org.dml4j.grpc.GrpcTransport}, the coordinator's
 * {@link org.dml4j.fl.Transport} (a gRPC server), and {@link org.dml4j.grpc.GrpcParticipant}, which connects one
 * {@link org.dml4j.fl.Participant} with its own local data to it. Models and updates cross the wire in the
 * simulator's codec ({@link org.dml4j.compress.UpdateCodec}), in chunks; every call is authenticated by a
 * per-participant token, optionally over TLS or mutual TLS ({@link org.dml4j.grpc.Security}); every update is
 * validated before it reaches the strategy ({@link org.dml4j.grpc.UpdateValidator}). The schema is
 * {@code src/main/proto/dml4j_federation.proto}. The same two pieces make the other roles: an edge aggregator of
 * HierFAVG is a {@code GrpcParticipant} of the cloud whose client tier is a transport of its own
 * ({@link org.dml4j.grpc.GrpcEdgeClients}), and a D-PSGD peer ({@link org.dml4j.grpc.GrpcDpsgdPeer}) serves its
 * higher-numbered neighbours and is a participant of its lower-numbered ones, with no coordinator.
 */
package org.dml4j.grpc;
