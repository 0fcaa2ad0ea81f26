/**
 * Federated learning on one seam: the {@link org.dml4j.fl.Coordinator} (no I/O, no clock of its own) runs an
 * event-driven {@link org.dml4j.fl.Strategy} (start, reply arrived, idle, timer, lost) and reaches its participants
 * only through a {@link org.dml4j.fl.Transport}, with self-contained {@link org.dml4j.fl.Task},
 * {@link org.dml4j.fl.Reply} and {@link org.dml4j.fl.Broadcast} messages. {@link org.dml4j.fl.Participant}s are
 * clients ({@link org.dml4j.fl.FlClient}) or anything that stands where a client stands. FedAvg and FedProx are the
 * barrier case; the asynchronous strategies are in {@code org.dml4j.fl.async}. The same strategies and participants
 * run under the simulator ({@code sim}) and over the network ({@code grpc}); both transports pass the contract suite
 * of this module's test-jar ({@code org.dml4j.fl.testing.TransportContract}).
 */
package org.dml4j.fl;
