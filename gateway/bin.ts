// Entry point of the `cloudfed` command (compiled to dist/gateway/bin.js; run with tsx in development).
import { run } from './cli.js';

run();
