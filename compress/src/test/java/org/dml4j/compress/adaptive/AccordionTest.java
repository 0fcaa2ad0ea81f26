package org.dml4j.compress.adaptive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class AccordionTest {
    @Test
    void detectsRelativeNormChanges() {
        Accordion a = new Accordion(Accordion.DEFAULT_ETA);
        assertEquals(0.1, a.choose(10, 0.1, 0.01), "first round is critical");
        assertEquals(0.01, a.choose(12, 0.1, 0.01), "20% change");
        assertEquals(0.1, a.choose(6, 0.1, 0.01), "50% drop");
        assertEquals(0.1, a.choose(9, 0.1, 0.01), "50% rise");
        assertEquals(0.01, a.choose(9, 0.1, 0.01));
        assertThrows(IllegalArgumentException.class, () -> a.observe(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new Accordion(0));
    }
}
