package org.dml4j.report;

/**
 * The kit's colours: the colour-blind-safe Okabe–Ito palette, then four of Paul Tol's muted scheme (ten classes of a
 * label histogram stay distinct). Stateless and thread-safe.
 */
public final class Palette {
    private static final String[] COLORS = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9",
        "#000000", "#F0E442", "#882255", "#44AA99", "#999933", "#AA4499"};

    private Palette() {
    }

    /**
     * @param i a series index, {@code >= 0}
     * @return its colour (the palette repeats after twelve)
     */
    public static String color(int i) {
        return COLORS[Math.floorMod(i, COLORS.length)];
    }
}
