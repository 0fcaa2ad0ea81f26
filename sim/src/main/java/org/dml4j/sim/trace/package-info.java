/** Reading of the simulator's CSV traces (bandwidth over time, device speeds, availability windows). */
package org.dml4j.sim.trace;
