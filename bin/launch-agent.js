#!/usr/bin/env node
import module from 'node:module';

// Node 22.1+ keeps compiled code between runs (a no-op on Node 20); loaded before the bundle.
module.enableCompileCache?.();
const { main } = await import('../dist/bundle/main.js');

main(process.argv);
