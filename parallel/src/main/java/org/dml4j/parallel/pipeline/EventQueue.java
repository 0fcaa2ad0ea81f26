package org.dml4j.parallel.pipeline;

import java.util.Arrays;

/**
 * A binary min-heap of (time, device) events without boxing: ordered by time, then device. Not thread-safe.
 */
final class EventQueue {
    private double[] time = new double[64];
    private int[] device = new int[64];
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    void add(double t, int d) {
        if (size == time.length) {
            time = Arrays.copyOf(time, size * 2);
            device = Arrays.copyOf(device, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!less(t, d, time[parent], device[parent])) {
                break;
            }
            time[i] = time[parent];
            device[i] = device[parent];
            i = parent;
        }
        time[i] = t;
        device[i] = d;
    }

    double peekTime() {
        return time[0];
    }

    int peekDevice() {
        return device[0];
    }

    void poll() {
        int last = --size;
        double t = time[last];
        int d = device[last];
        int i = 0;
        while (true) {
            int c = 2 * i + 1;
            if (c >= size) {
                break;
            }
            if (c + 1 < size && less(time[c + 1], device[c + 1], time[c], device[c])) {
                c++;
            }
            if (!less(time[c], device[c], t, d)) {
                break;
            }
            time[i] = time[c];
            device[i] = device[c];
            i = c;
        }
        time[i] = t;
        device[i] = d;
    }

    private static boolean less(double t1, int d1, double t2, int d2) {
        return t1 < t2 || (t1 == t2 && d1 < d2);
    }
}
