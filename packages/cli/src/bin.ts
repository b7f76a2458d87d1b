#!/usr/bin/env node
import { run } from './main.js';
import { guardStandardStreams } from './standard-streams.js';

const streams = guardStandardStreams();

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = streams.exitCode ?? code;
  },
  (error: unknown) => {
    if (streams.exitCode === undefined) {
      process.stderr.write(`ck: error INTERNAL: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    process.exitCode = streams.exitCode ?? 1;
  },
);
