package org.dml4j.fl.async;

import java.util.Locale;

/**
 * How much an update that is {@code τ} versions old still counts, after FedAsync:
 *
 * <pre>
 * C. Xie, S. Koyejo, I. Gupta. Asynchronous Federated Optimization. OPT 2020 (arXiv 1903.03934), §5.2.
 * </pre>
 *
 * <ul>
 *   <li>{@code constant}: {@code s(τ) = 1};</li>
 *   <li>{@code polynomial}: {@code s(τ) = (τ + 1)^(−a)} (FedBuff's {@code 1/sqrt(1 + τ)} is {@code a = 0.5});</li>
 *   <li>{@code hinge}: {@code s(τ) = 1} for {@code τ ≤ b}, else {@code 1 / (a (τ − b) + 1)}.</li>
 * </ul>
 *
 * @param type {@code constant}, {@code polynomial} or {@code hinge}
 * @param a    the exponent (polynomial) or slope (hinge), &gt; 0 where used
 * @param b    the hinge's knee, &gt;= 0 where used
 */
public record Staleness(String type, double a, double b) {
    /** Validates the fields, naming the bad one. */
    public Staleness {
        type = type.toLowerCase(Locale.ROOT);
        switch (type) {
            case "constant" -> {
            }
            case "polynomial", "hinge" -> {
                if (!(a > 0) || !Double.isFinite(a)) {
                    throw new IllegalArgumentException("staleness-a must be > 0 for staleness = '" + type + "', got "
                            + a);
                }
                if (type.equals("hinge") && (!(b >= 0) || !Double.isFinite(b))) {
                    throw new IllegalArgumentException("staleness-b must be >= 0 for staleness = 'hinge', got " + b);
                }
            }
            default -> throw new IllegalArgumentException("staleness must be one of constant, polynomial, hinge; got '"
                    + type + "'");
        }
    }

    /** @return {@code s(τ) = 1} */
    public static Staleness constant() {
        return new Staleness("constant", 0, 0);
    }

    /**
     * @param tau the update's staleness in versions, &gt;= 0
     * @return its weight in (0, 1]
     */
    public double weight(int tau) {
        if (tau < 0) {
            throw new IllegalArgumentException("staleness must be >= 0, got " + tau);
        }
        return switch (type) {
            case "polynomial" -> Math.pow(tau + 1, -a);
            case "hinge" -> tau <= b ? 1 : 1 / (a * (tau - b) + 1);
            default -> 1;
        };
    }
}
