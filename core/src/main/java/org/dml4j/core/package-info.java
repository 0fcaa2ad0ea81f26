/**
 * Foundation shared by every dml4j module: seeded randomness ({@link org.dml4j.core.SeedTree}), provider lookup
 * ({@link org.dml4j.core.Registry}), run provenance ({@link org.dml4j.core.RunManifest}), the unchecked exception
 * hierarchy rooted at {@link org.dml4j.core.Dml4jException}, atomic file output and the SIMD float kernels
 * ({@link org.dml4j.core.FloatKernels}). The one binder of configuration tables to records is
 * {@link org.dml4j.core.config.ConfigBinder}.
 *
 * <p>This module depends on the JDK and jackson-databind (the binder, and {@link org.dml4j.core.Json} for manifests).
 */
package org.dml4j.core;
