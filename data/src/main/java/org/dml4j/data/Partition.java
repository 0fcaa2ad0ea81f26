package org.dml4j.data;

import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * An assignment of sample indices of one data set to federated clients: client {@code c} holds the samples
 * {@code clientIndices[c]}, in that order. Produced by the partitioners in {@code org.dml4j.data.partition} or read
 * from a federated data set's natural split (LEAF users).
 *
 * <p>Immutable and thread-safe: the arrays are copied in, and {@link #clientIndices()} and {@link #indices(int)}
 * return copies.
 *
 * @param clientIndices per client, the indices of its samples (each non-negative)
 */
public record Partition(int[][] clientIndices) {
    /** Copies the arrays and checks that every index is non-negative. */
    public Partition {
        Objects.requireNonNull(clientIndices, "clientIndices");
        int[][] copy = new int[clientIndices.length][];
        for (int c = 0; c < clientIndices.length; c++) {
            int[] idx = Objects.requireNonNull(clientIndices[c], "clientIndices[" + c + "]");
            for (int i : idx) {
                if (i < 0) {
                    throw new IllegalArgumentException("clientIndices[" + c + "] holds a negative index " + i);
                }
            }
            copy[c] = idx.clone();
        }
        clientIndices = copy;
    }

    /** @return a deep copy of the per-client index arrays */
    @Override
    public int[][] clientIndices() {
        int[][] copy = new int[clientIndices.length][];
        for (int c = 0; c < copy.length; c++) {
            copy[c] = clientIndices[c].clone();
        }
        return copy;
    }

    /** @return number of clients */
    public int numClients() {
        return clientIndices.length;
    }

    /**
     * @param client a client id in {@code [0, numClients())}
     * @return a copy of its sample indices
     */
    public int[] indices(int client) {
        return clientIndices[Objects.checkIndex(client, clientIndices.length)].clone();
    }

    /**
     * @param client a client id
     * @return how many samples it holds
     */
    public int size(int client) {
        return clientIndices[Objects.checkIndex(client, clientIndices.length)].length;
    }

    /** @return per client, how many samples it holds */
    public int[] sizes() {
        int[] s = new int[clientIndices.length];
        for (int c = 0; c < s.length; c++) {
            s[c] = clientIndices[c].length;
        }
        return s;
    }

    /** @return the number of samples over all clients */
    public long totalSize() {
        long t = 0;
        for (int[] idx : clientIndices) {
            t += idx.length;
        }
        return t;
    }

    /**
     * @param data the data set the indices refer to
     * @return {@code [client][class]} sample counts
     * @throws IndexOutOfBoundsException when an index is outside the data set
     */
    public int[][] labelHistograms(Dataset data) {
        int[][] h = new int[clientIndices.length][data.numClasses()];
        for (int c = 0; c < h.length; c++) {
            for (int i : clientIndices[c]) {
                h[c][data.label(Objects.checkIndex(i, data.size()))]++;
            }
        }
        return h;
    }

    /**
     * @param labels     the labels of the data set the indices refer to
     * @param numClasses number of classes
     * @return {@code [client][class]} sample counts
     */
    public int[][] labelHistograms(int[] labels, int numClasses) {
        int[][] h = new int[clientIndices.length][numClasses];
        for (int c = 0; c < h.length; c++) {
            for (int i : clientIndices[c]) {
                h[c][labels[i]]++;
            }
        }
        return h;
    }

    /** @return whether no index is held twice (by one client or by two) */
    public boolean isDisjoint() {
        BitSet seen = new BitSet();
        for (int[] idx : clientIndices) {
            for (int i : idx) {
                if (seen.get(i)) {
                    return false;
                }
                seen.set(i);
            }
        }
        return true;
    }

    /**
     * @param datasetSize the size of the data set partitioned
     * @return whether every index in {@code [0, datasetSize)} is held by exactly one client and no other index occurs
     */
    public boolean isComplete(int datasetSize) {
        return totalSize() == datasetSize && isDisjoint() && maxIndex() < datasetSize;
    }

    private int maxIndex() {
        int m = -1;
        for (int[] idx : clientIndices) {
            for (int i : idx) {
                m = Math.max(m, i);
            }
        }
        return m;
    }

    /**
     * @param data   the data set the indices refer to
     * @param client a client id
     * @return a new data set holding that client's samples, named {@code <data name>/client-<id>}
     */
    public Dataset shard(Dataset data, int client) {
        return data.subset(clientIndices[Objects.checkIndex(client, clientIndices.length)],
                data.name() + "/client-" + client);
    }

    /**
     * A printable table: one row per client with its size and label histogram, then a total row and a summary
     * (smallest, median and largest client and their skew ratio).
     *
     * @param data the data set the indices refer to
     * @return the table, lines ending in {@code \n}
     */
    public String describe(Dataset data) {
        int[][] h = labelHistograms(data);
        int k = data.numClasses();
        int[] sizes = sizes();
        int[] totalPerClass = new int[k];
        for (int[] row : h) {
            for (int j = 0; j < k; j++) {
                totalPerClass[j] += row[j];
            }
        }
        long total = totalSize();
        int wClient = Math.max(6, Integer.toString(Math.max(0, h.length - 1)).length());
        int wSize = Math.max(4, Long.toString(total).length());
        int wClass = Math.max(2, Integer.toString(k - 1).length());
        for (int t : totalPerClass) {
            wClass = Math.max(wClass, Integer.toString(t).length());
        }
        StringBuilder sb = new StringBuilder();
        sb.append(pad("client", wClient)).append(' ').append(pad("size", wSize)).append(" |");
        for (int j = 0; j < k; j++) {
            sb.append(' ').append(pad(Integer.toString(j), wClass));
        }
        sb.append('\n');
        for (int c = 0; c < h.length; c++) {
            sb.append(pad(Integer.toString(c), wClient)).append(' ').append(pad(Integer.toString(sizes[c]), wSize))
                    .append(" |");
            for (int j = 0; j < k; j++) {
                sb.append(' ').append(pad(Integer.toString(h[c][j]), wClass));
            }
            sb.append('\n');
        }
        sb.append(pad("total", wClient)).append(' ').append(pad(Long.toString(total), wSize)).append(" |");
        for (int j = 0; j < k; j++) {
            sb.append(' ').append(pad(Integer.toString(totalPerClass[j]), wClass));
        }
        sb.append('\n');
        if (sizes.length > 0) {
            int[] sorted = sizes.clone();
            Arrays.sort(sorted);
            int min = sorted[0];
            int max = sorted[sorted.length - 1];
            sb.append(h.length).append(" clients; size min ").append(min).append(", median ")
                    .append(sorted[sorted.length / 2]).append(", max ").append(max).append("; skew ratio ")
                    .append(min == 0 ? "inf" : String.format(java.util.Locale.ROOT, "%.2f", (double) max / min))
                    .append('\n');
        }
        return sb.toString();
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Partition p && Arrays.deepEquals(p.clientIndices, clientIndices);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(clientIndices);
    }

    @Override
    public String toString() {
        return "Partition[" + clientIndices.length + " clients, " + totalSize() + " samples, sizes "
                + (clientIndices.length <= 20 ? Arrays.toString(sizes()) : "min..max " + minMax()) + "]";
    }

    private String minMax() {
        int[] s = sizes();
        Arrays.sort(s);
        return s[0] + ".." + s[s.length - 1];
    }
}
