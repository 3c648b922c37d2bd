/**
 * Loads every op module for its registerOp side effect (see ../op.ts). One import per module;
 * the executor imports this file, so an op listed here is available to every graph.
 */
import './elementwise';
import './dense';
import './norm';
import './shape';
import './attention';
import './rnn';
import './conv';
import './pool';
import './tensors';
