package org.dml4j.fl.checkpoint;

import java.util.ArrayList;
import java.util.List;
import org.dml4j.compress.UpdateCodec;
import org.dml4j.core.Snapshot;
import org.dml4j.fl.Reply;

/**
 * Saves replies that a strategy buffers or a transport holds in flight into a {@link Snapshot}: the scalar fields, and
 * the compressed update in its wire encoding ({@link UpdateCodec}), which decodes to an update that adds exactly the
 * same values.
 *
 * <p>Stateless and thread-safe.
 */
public final class Replies {
    private Replies() {
    }

    /**
     * @param out   where to write (a view reserved for this reply)
     * @param reply the reply
     */
    public static void save(Snapshot out, Reply reply) {
        out.putLong("participant", reply.participant()).putLong("task", reply.taskId())
                .putLong("base", reply.baseVersion());
        switch (reply) {
            case Reply.Ok ok -> out.putString("kind", "ok").putBytes("update", UpdateCodec.encode(ok.update()))
                    .putLong("samples", ok.numSamples()).putDouble("loss", ok.trainLoss()).putLong("steps", ok.steps())
                    .putDouble("compute", ok.computeSeconds()).putDouble("download", ok.downloadSeconds())
                    .putDouble("upload", ok.uploadSeconds());
            case Reply.Failed f -> out.putString("kind", "failed").putString("reason", f.reason());
        }
    }

    /**
     * @param in     what {@link #save} wrote
     * @param maxDim the model size (the largest update accepted)
     * @return the reply
     */
    public static Reply read(Snapshot in, int maxDim) {
        int p = in.getInt("participant");
        long task = in.getLong("task");
        int base = in.getInt("base");
        String kind = in.getString("kind");
        return switch (kind) {
            case "ok" -> new Reply.Ok(p, task, base, UpdateCodec.decode(in.getBytes("update"), maxDim),
                    in.getInt("samples"), in.getDouble("loss"), in.getInt("steps"), in.getDouble("compute"),
                    in.getDouble("download"), in.getDouble("upload"));
            case "failed" -> new Reply.Failed(p, task, base, in.getString("reason"));
            default -> throw new IllegalArgumentException("checkpoint entry '" + in.prefix() + "kind' is '" + kind
                    + "', expected 'ok' or 'failed'");
        };
    }

    /**
     * @param out     where to write
     * @param replies a list of successful replies, saved in order under {@code 0/}, {@code 1/}, ...
     */
    public static void saveAll(Snapshot out, List<Reply.Ok> replies) {
        out.putLong("count", replies.size());
        for (int i = 0; i < replies.size(); i++) {
            save(out.under(Integer.toString(i)), replies.get(i));
        }
    }

    /**
     * @param in     what {@link #saveAll} wrote
     * @param maxDim the model size
     * @return the replies, in order
     */
    public static List<Reply.Ok> readAll(Snapshot in, int maxDim) {
        int n = in.getInt("count");
        List<Reply.Ok> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Snapshot s = in.under(Integer.toString(i));
            if (!(read(s, maxDim) instanceof Reply.Ok ok)) {
                throw new IllegalArgumentException("checkpoint entry '" + s.prefix() + "' is not a successful reply");
            }
            out.add(ok);
        }
        return out;
    }
}
