#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps the bundle's compiled code between runs (no-op on Node 20): enable, then import.
module.enableCompileCache?.();
const { main } = await import('../dist/bundle/main.js');

main(process.argv);
