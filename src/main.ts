#!/usr/bin/env bun
console.log("cortex: not built yet");
