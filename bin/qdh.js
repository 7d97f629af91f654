#!/usr/bin/env node
// The built CLI (npm run build:server). In development: npm run qdh -- <command>.
import '../dist/cli/main.js';
