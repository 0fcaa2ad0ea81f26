/**
 * The {@code dml4j} command line (picocli): {@code run}, {@code compare}, {@code datasets}, {@code schedule},
 * {@code experts}. {@link org.dml4j.cli.Main} is the entry point.
 */
package org.dml4j.cli;
