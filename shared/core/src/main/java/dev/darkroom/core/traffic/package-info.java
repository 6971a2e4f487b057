/**
 * The deployment's traffic as history tells it: plain data the keep-warm policy reads and the
 * reconciler computes from the ledger, with no dependency on ports or use cases.
 */
package dev.darkroom.core.traffic;
