/** JMH benchmarks and load generators. */
package dev.clave.bench;
