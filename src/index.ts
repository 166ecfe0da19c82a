// The action's entry: everything happens in run(), which never throws.
import { run } from './action/main.js';

await run();
