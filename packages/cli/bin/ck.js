#!/usr/bin/env node
// A committed launcher, so that package managers can link the bin before the CLI is built.
import '../dist/bin.js';
