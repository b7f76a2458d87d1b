#!/usr/bin/env node
// A committed launcher, so that package managers can link the bin before core is built.
import '../dist/manifest-bin.js';
