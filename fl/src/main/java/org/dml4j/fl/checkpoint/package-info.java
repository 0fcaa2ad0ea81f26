/**
 * Checkpoints of a federated run: {@link org.dml4j.fl.checkpoint.Checkpointable} (the save/restore contract of the
 * coordinator, strategies, clients and transports), {@link org.dml4j.fl.checkpoint.CheckpointFile} (one atomic,
 * versioned, safetensors-compatible file holding a {@link org.dml4j.core.Snapshot}) and
 * {@link org.dml4j.fl.checkpoint.Replies} (buffered and in-flight replies).
 *
 * <p>How a transport uses it (the simulator does exactly this; a network coordinator does the same with its own
 * transport state):
 * <pre>{@code
 * Snapshot s = new Snapshot();
 * coordinator.save(s.under("coordinator"));        // model, version, counters, rows, strategy under strategy/
 * transport.save(s.under("transport"));             // clock, tasks in flight, pending timers
 * CheckpointFile.write(dir.resolve("checkpoint.safetensors"), s);
 * // later, in a new process, with the same configuration:
 * Snapshot r = CheckpointFile.read(dir.resolve("checkpoint.safetensors"));
 * Coordinator c = new Coordinator(settings, strategy, transport, evaluator, listener);
 * c.restore(r.under("coordinator"));
 * transport.restore(r.under("transport"));
 * c.run();                                          // continues; does not start over
 * }</pre>
 */
package org.dml4j.fl.checkpoint;
