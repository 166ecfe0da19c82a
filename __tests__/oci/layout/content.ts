// The action tests import their content from here; everything lives in ../content.ts.
export { artifact, indexOf, pushGraph, type Graph } from '../content.js';
