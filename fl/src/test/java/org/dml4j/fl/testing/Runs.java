package org.dml4j.fl.testing;

import java.util.ArrayList;
import java.util.List;
import org.dml4j.fl.ClientPool;
import org.dml4j.fl.Coordinator;
import org.dml4j.fl.CoordinatorListener;
import org.dml4j.fl.LocalTraining;
import org.dml4j.fl.RoundMetrics;
import org.dml4j.fl.Strategy;
import org.dml4j.fl.Transport;
import org.dml4j.model.EvalResult;

/** Runs a strategy over a transport of {@link ToyParticipant}s and keeps everything it produced. */
public final class Runs {
    /**
     * What a run produced.
     *
     * @param rows     metrics rows
     * @param eventLog the event log, one JSON line each
     * @param log      log lines
     * @param model    the final global model
     * @param coordinator the coordinator (its stats)
     */
    public record Result(List<RoundMetrics> rows, List<String> eventLog, List<String> log, float[] model,
                         Coordinator coordinator) {
    }

    private Runs() {
    }

    /**
     * @param participants toy participants by id
     * @return a pool with their sizes
     */
    public static ClientPool pool(List<ToyParticipant> participants) {
        int[] sizes = new int[participants.size()];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = participants.get(i).numSamples();
        }
        return ClientPool.ofSizes(sizes);
    }

    /**
     * @param lr         constant local learning rate
     * @param localSteps steps per task
     * @return local training settings
     */
    public static LocalTraining training(double lr, int localSteps) {
        return new LocalTraining(1, 1, localSteps, round -> lr, 0f, 0f);
    }

    /**
     * @param strategy     the strategy
     * @param participants toy participants by id
     * @param transport    a transport over them
     * @param training     local training
     * @param versions     versions to make
     * @param initial      the initial model
     * @return what happened
     */
    public static Result run(Strategy strategy, List<ToyParticipant> participants, Transport transport,
                             LocalTraining training, int versions, float[] initial) {
        List<RoundMetrics> rows = new ArrayList<>();
        List<String> events = new ArrayList<>();
        List<String> log = new ArrayList<>();
        Coordinator c = new Coordinator(new Coordinator.Settings(5, versions, 1, pool(participants), training,
                initial, null, null), strategy, transport, w -> evaluate(w, participants), new CoordinatorListener() {
                    @Override
                    public void onRow(RoundMetrics m) {
                        rows.add(m);
                    }

                    @Override
                    public void onLog(String line) {
                        log.add(line);
                    }

                    @Override
                    public void onEventLog(String jsonLine) {
                        events.add(jsonLine);
                    }
                });
        c.run();
        return new Result(rows, events, log, c.globalModel(), c);
    }

    /** Loss ½‖w − mean target‖², accuracy 1/(1 + 2·loss): deterministic and cheap. */
    static EvalResult evaluate(float[] w, List<ToyParticipant> participants) {
        double s = 0;
        for (int j = 0; j < w.length; j++) {
            double mean = 0;
            for (ToyParticipant p : participants) {
                mean += p.target()[j] / (double) participants.size();
            }
            s += (w[j] - mean) * (w[j] - mean);
        }
        return new EvalResult(1, s / 2, 1 / (1 + s));
    }

    /**
     * @param n      participants
     * @param dim    model size
     * @param failId a participant whose tasks all fail, or -1
     * @return toy participants with distinct targets and sizes
     */
    public static List<ToyParticipant> toys(int n, int dim, int failId) {
        List<ToyParticipant> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            float[] t = new float[dim];
            for (int j = 0; j < dim; j++) {
                t[j] = (float) (1 + 0.5 * Math.sin(1 + i * 7 + j * 3));
            }
            out.add(new ToyParticipant(i, 10 + 5 * i, t, i == failId));
        }
        return out;
    }
}
