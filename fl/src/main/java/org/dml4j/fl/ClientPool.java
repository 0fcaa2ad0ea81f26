package org.dml4j.fl;

import java.util.List;

/**
 * The clients a strategy may pick from, in id order.
 *
 * @param clients one entry per client; {@code clients.get(i).id() == i}
 */
public record ClientPool(List<ClientInfo> clients) {
    /** Validates ids and copies the list. */
    public ClientPool {
        clients = List.copyOf(clients);
        for (int i = 0; i < clients.size(); i++) {
            if (clients.get(i).id() != i) {
                throw new IllegalArgumentException("client " + i + " must have id " + i + ", got "
                        + clients.get(i).id());
            }
        }
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("a client pool needs at least one client");
        }
    }

    /**
     * @param sizes local data set sizes, one per client
     * @return the pool
     */
    public static ClientPool ofSizes(int[] sizes) {
        ClientInfo[] c = new ClientInfo[sizes.length];
        for (int i = 0; i < sizes.length; i++) {
            c[i] = new ClientInfo(i, sizes[i]);
        }
        return new ClientPool(List.of(c));
    }

    /** @return number of clients */
    public int size() {
        return clients.size();
    }

    /**
     * @param id client id
     * @return its info
     */
    public ClientInfo client(int id) {
        return clients.get(id);
    }
}
