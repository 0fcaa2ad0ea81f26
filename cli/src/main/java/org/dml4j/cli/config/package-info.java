/**
 * Experiment files: TOML parsing, {@code --set key=value} overrides, and binding of {@code type}-selected tables to
 * the providers' configuration records, with errors that name the key and the value.
 */
package org.dml4j.cli.config;
