/**
 * Experiment files: TOML parsing and writing, {@code --set key=value} overrides, and the records of the experiment's
 * own tables ({@code [run]}, {@code [data]}, {@code [training]}); every table binds with the one
 * {@link org.dml4j.core.config.ConfigBinder}, with errors that name the key and the value.
 */
package org.dml4j.cli.config;
