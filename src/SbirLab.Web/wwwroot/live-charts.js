// Appends the new points of several live charts in one call from the server (one message per update, not one per chart).
// Goes through Plotly.Blazor's own interop module, so an update waits, like theirs, until plotly.js has loaded.
import { extendTraces } from './_content/Plotly.Blazor/plotly-interop-7.2.0.js';

export function extendAll(extensions) {
    for (const e of extensions) extendTraces(e.id, e.x, e.y, e.indices, null);
}
