// Imported first by each webview: zod 4 probes `new Function` to JIT its parsers, and a strict CSP
// reports that probe as a violation even though zod catches the error. Jitless parsing is plenty
// fast for our message sizes.
import * as z from 'zod/mini';

z.config({ jitless: true });
