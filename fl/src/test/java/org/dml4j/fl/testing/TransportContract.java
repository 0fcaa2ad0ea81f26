package org.dml4j.fl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.dml4j.fl.Event;
import org.dml4j.fl.Reply;
import org.dml4j.fl.Task;
import org.dml4j.fl.Transport;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Transport} must do: deliver {@link Event.Start} first; answer every task once, with the task's
 * id and version; deliver events in non-decreasing time; fire timers at or after their time; deliver nothing for a
 * cancelled task; return from {@code run} when out of events (false) or stopped (true), delivering nothing after
 * {@code stop}. Subclass it and implement {@link #transport(List)}.
 */
public abstract class TransportContract {
    /**
     * @param participants toy participants by id
     * @return a fresh transport over them
     */
    protected abstract Transport transport(List<ToyParticipant> participants);

    private static Task task(long id, int p, int version) {
        return new Task(id, p, version, new float[] {1f, 2f}, false, 2, 0.5f, 0f, Double.NaN, "client/" + p + "/1");
    }

    @Test
    void answersEveryTaskOnceInTimeOrder() {
        List<ToyParticipant> toys = Runs.toys(4, 2, 3);
        Transport t = transport(toys);
        List<Event> seen = new ArrayList<>();
        List<Double> times = new ArrayList<>();
        boolean stopped = t.run(e -> {
            seen.add(e);
            times.add(t.clock().now());
            if (e instanceof Event.Start) {
                for (int p = 0; p < 4; p++) {
                    t.dispatch(task(p, p, 0));
                }
                t.timer(t.clock().now() + 1.5, 77);
            }
        });
        assertFalse(stopped, "run ends by running out of events");
        assertInstanceOf(Event.Start.class, seen.get(0));
        Map<Long, Integer> answers = new HashMap<>();
        int timers = 0;
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(times.get(i) >= times.get(i - 1), "time went back at event " + i);
            if (seen.get(i) instanceof Event.ReplyArrived r) {
                answers.merge(r.reply().taskId(), 1, Integer::sum);
                assertEquals(r.reply().taskId(), r.reply().participant(), "the reply names its task");
                assertEquals(0, r.reply().baseVersion());
                if (r.reply().participant() == 3) {
                    assertInstanceOf(Reply.Failed.class, r.reply());
                }
            } else if (seen.get(i) instanceof Event.Timer tm) {
                timers++;
                assertEquals(77, tm.tag());
                assertTrue(times.get(i) >= 1.5 - 1e-12);
            }
        }
        assertEquals(Map.of(0L, 1, 1L, 1, 2L, 1, 3L, 1), answers);
        assertEquals(1, timers);
    }

    @Test
    void cancelledTasksAreNotAnsweredAndStopEndsTheRun() {
        List<ToyParticipant> toys = Runs.toys(3, 2, -1);
        Transport t = transport(toys);
        List<Event> seen = new ArrayList<>();
        boolean stopped = t.run(e -> {
            seen.add(e);
            if (e instanceof Event.Start) {
                t.dispatch(task(10, 0, 0));
                t.dispatch(task(11, 1, 0));
                t.dispatch(task(12, 2, 0));
                t.cancel(1, 11);
                t.dispatch(task(13, 1, 0)); // a cancelled participant takes a new task at once
            } else if (e instanceof Event.ReplyArrived r && r.reply().taskId() != 11) {
                assertTrue(seen.stream().filter(x -> x instanceof Event.ReplyArrived).count() <= 2,
                        "nothing may arrive after stop");
                if (seen.stream().filter(x -> x instanceof Event.ReplyArrived).count() == 2) {
                    t.stop();
                }
            }
        });
        assertTrue(stopped);
        for (Event e : seen) {
            if (e instanceof Event.ReplyArrived r) {
                assertTrue(r.reply().taskId() != 11, "task 11 was cancelled");
            }
        }
        assertEquals(2, seen.stream().filter(x -> x instanceof Event.ReplyArrived).count());
    }
}
