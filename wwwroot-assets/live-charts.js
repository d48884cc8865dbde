// Line charts of the lab, drawn with the plotly.js that the Plotly.Blazor package ships. Every call for a chart
// is chained on that chart's element, so a whole redraw and the points appended after it always land in order.
const plotlyUrl = new URL('_content/Plotly.Blazor/plotly-3.7.0.min.js', document.baseURI).href;

const ready = window.Plotly ? Promise.resolve() : new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = plotlyUrl;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error('plotly.js did not load from ' + plotlyUrl));
    document.head.appendChild(script);
});

function chain(element, work) {
    element._chartQueue = (element._chartQueue || ready).then(work).catch(error => console.error(error));
    return element._chartQueue;
}

/**
 * Gives each trace its points from `points` (a Uint8Array: every trace's x as float64, then every trace's y as
 * float32, in trace order; trace.n says how many are its own), as typed arrays over one copy of the bytes.
 */
function unpack(traces, points) {
    const total = traces.reduce((sum, trace) => sum + trace.n, 0);
    const buffer = points.slice().buffer; // a copy of its own, aligned for the float64 view
    const xs = new Float64Array(buffer, 0, total), ys = new Float32Array(buffer, 8 * total, total);
    let at = 0;
    for (const trace of traces) {
        const n = trace.n;
        delete trace.n;
        trace.x = xs.subarray(at, at + n);
        trace.y = ys.subarray(at, at + n);
        at += n;
    }
    return traces;
}

/** Points to append to `target` (a trace's x or y), as the same kind of array (Plotly extends typed arrays only with their own kind). */
function like(target, values) {
    if (!ArrayBuffer.isView(target)) return values;
    return new target.constructor(values.map(v => v === null ? NaN : v));
}

/**
 * Draws (or redraws) a chart whole: its traces and their points (see unpack; null when the traces hold their own). With a .NET owner (a chart that refines), a zoom, pan or reset reports the
 * new x-range and the plot's width in pixels to it (Relayout), which answers with the points of that range.
 * `refined` counts the refinements drawn; it lands on the element (data-refined) once the chart shows them.
 */
export function draw(id, traces, points, layout, config, owner, refined) {
    const element = document.getElementById(id);
    if (!element) return Promise.resolve();
    const received = performance.now();
    if (points) unpack(traces, points); // a figure (PlotlyFigure) holds its points in its traces
    return chain(element, async () => {
        const started = performance.now();
        hideGroups(element, traces);
        await Plotly.react(element, traces, layout, config);
        hookLegend(element);
        // When the last draw's answer came and how long Plotly took (the charts benchmark reads them).
        element._drawTiming = { reported: element._reportedAt, received, started, drawn: performance.now() };
        if (owner && !element._relayoutHooked) {
            element._relayoutHooked = true;
            element.on('plotly_relayout', change => report(element, owner, change));
        }
        element.dataset.refined = String(refined || 0);
    });
}

/**
 * The chart's own legend (LineChart draws it in HTML past Plotly's): a click on an entry hides or shows the traces
 * of its group. The hidden groups live on the element, so a later draw (a zoom's refined traces) keeps them hidden.
 */
function hiddenGroups(element) {
    return element._hiddenGroups || (element._hiddenGroups = new Set());
}

function hideGroups(element, traces) {
    const hidden = hiddenGroups(element);
    if (hidden.size) for (const trace of traces) if (hidden.has(trace.legendgroup)) trace.visible = 'legendonly';
}

function legendEntries(element) {
    const box = element.closest('.chart-box');
    return box ? box.querySelectorAll('.chart-legend-entry') : [];
}

function hookLegend(element) {
    const hidden = hiddenGroups(element);
    for (const entry of legendEntries(element)) entry.classList.toggle('hidden', hidden.has(entry.dataset.group));
    const box = element.closest('.chart-box');
    if (!box || element._legendHooked) return;
    element._legendHooked = true;
    box.addEventListener('click', event => {
        const entry = event.target.closest('.chart-legend-entry');
        if (!entry || !box.contains(entry)) return;
        const group = entry.dataset.group, hide = !hidden.has(group);
        if (hide) hidden.add(group); else hidden.delete(group);
        entry.classList.toggle('hidden', hide);
        chain(element, () => {
            const indices = (element.data || []).flatMap((trace, i) => trace.legendgroup === group ? [i] : []);
            return indices.length ? Plotly.restyle(element, { visible: hide ? 'legendonly' : true }, indices) : undefined;
        });
    });
}

/** The x-range a relayout event names: [from, to], [null, null] for a reset, or undefined when x did not change. */
function xRange(change) {
    if (change['xaxis.autorange']) return [null, null];
    if (Array.isArray(change['xaxis.range'])) return change['xaxis.range'];
    if ('xaxis.range[0]' in change && 'xaxis.range[1]' in change) return [change['xaxis.range[0]'], change['xaxis.range[1]']];
    return undefined;
}

function report(element, owner, change) {
    const range = xRange(change);
    if (!range) return;
    const width = Math.max(1, Math.round((element._fullLayout && element._fullLayout._size && element._fullLayout._size.w) || 1000));
    const [from, to] = range.map(v => (v === null || v === undefined) ? null : Number(v));
    element._reportedAt = performance.now();
    owner.invokeMethodAsync('Relayout', from, to, width).catch(error => console.error(error));
}

/**
 * Changes the ends of several charts' traces: [{ id, x: [[...]], y: [[...]], indices: [...], keep: [...] }]: each
 * trace is cut back to its `keep` points (the last bucket of a down-sampled curve), then gets the new points.
 */
export function extend(extensions) {
    for (const e of extensions) {
        const element = document.getElementById(e.id);
        if (!element) continue;
        chain(element, () => {
            const x = [], y = [];
            e.indices.forEach((trace, i) => {
                const data = element.data && element.data[trace];
                if (data && e.keep && e.keep[i] < data.x.length) {
                    data.x = data.x.slice(0, e.keep[i]);
                    data.y = data.y.slice(0, e.keep[i]);
                }
                x.push(data ? like(data.x, e.x[i]) : e.x[i]);
                y.push(data ? like(data.y, e.y[i]) : e.y[i]);
            });
            return Plotly.extendTraces(element, { x, y }, e.indices);
        });
    }
}

/**
 * One live update of a run page in one call: new chart points, and the progress bar and line
 * ({ fill, width, text, value }). The text node Blazor rendered is edited in place, so a later render
 * of the page still owns it.
 */
export function update(extensions, progress) {
    if (extensions && extensions.length) extend(extensions);
    if (!progress) return;
    const fill = document.getElementById(progress.fill);
    if (fill) fill.style.width = progress.width;
    const text = document.getElementById(progress.text);
    if (text) {
        if (text.firstChild && text.firstChild.nodeType === Node.TEXT_NODE) text.firstChild.nodeValue = progress.value;
        else text.textContent = progress.value;
    }
}
