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

/** Draws (or redraws) a chart whole. */
export function draw(id, traces, layout, config) {
    const element = document.getElementById(id);
    if (!element) return Promise.resolve();
    return chain(element, () => Plotly.react(element, traces, layout, config));
}

/** Appends new points to several charts: [{ id, x: [[...]], y: [[...]], indices: [...] }]. */
export function extend(extensions) {
    for (const e of extensions) {
        const element = document.getElementById(e.id);
        if (element) chain(element, () => Plotly.extendTraces(element, { x: e.x, y: e.y }, e.indices));
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
