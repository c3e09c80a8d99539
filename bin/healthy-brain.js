#!/usr/bin/env node
// Entry point of the `healthy-brain` command; compiled from src/cli (npm's `prepare` builds it).
import '../dist/cli/bin.js';
