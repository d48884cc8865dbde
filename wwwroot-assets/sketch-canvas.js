// SbirLab sketch canvas: draws with mouse, finger or pen (pointer events), keeps the drawing as vectors in
// Quick, Draw!'s raw format ([[x…], [y…], [t…]] per stroke, in the canvas's logical units), and asks the server
// for the photos it retrieves: while drawing (throttled, like AutoDraw's suggestions), at the end of every stroke
// and on demand. Answers go to .NET (the Blazor component) as JSON; the page renders them.
//
// Timing: every stroke end is marked `sketch:stroke-end:<seq>`; when the page shows the answer of that search (its
// results element gets data-answer-seq = seq), `sketch:stroke-to-results` is measured, and `sketch:stroke-to-images`
// once the result pictures have loaded. Read them with performance.getEntriesByName(...).

const LOGICAL_SIZE = 400;      // the canvas's coordinate space, whatever its size on screen
const MIN_POINT_GAP = 1.5;     // logical units between kept points (pointer events come far more often)
const MAX_STROKES = 500;       // the server's limits, checked here too so a user learns early
const MAX_POINTS = 20000;
const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;

/** Creates the canvas controller; .NET keeps the returned object and calls its methods. */
export function create(canvas, dotNet, options, uploadInput) {
    const controller = new SketchCanvas(canvas, dotNet, options);
    if (uploadInput) {
        controller.uploadInput = uploadInput;
        controller.onUploadChange = () => controller.upload(uploadInput);
        uploadInput.addEventListener('change', controller.onUploadChange);
    }
    return controller;
}

class SketchCanvas {
    constructor(canvas, dotNet, options) {
        this.canvas = canvas;
        this.dotNet = dotNet;
        this.context = canvas.getContext('2d');
        this.strokes = [];          // finished strokes: { xs, ys, ts, width }
        this.active = null;         // the stroke being drawn
        this.activePointer = null;
        this.undoStack = [];        // snapshots (arrays of strokes) before each change
        this.redoStack = [];
        this.startTime = null;      // t = 0 of the drawing (ms)
        this.seq = 0;               // search requests made
        this.shownSeq = 0;          // newest answer handed to the page
        this.strokeEnds = new Map(); // seq of a stroke-end search → its performance mark
        this.liveInFlight = false;
        this.lastLiveAt = 0;
        this.liveTimer = null;
        this.options = { searchUrl: null, uploadUrl: null, k: 10, index: null, live: true, liveIntervalMs: 350, penWidth: 6, resultsSelector: '.search-results' };
        this.configure(options);
        this.bind();
        this.resize();
        this.observeResults();
        this.notifyState();
    }

    // ---- settings and commands called from .NET ----------------------------------------------

    configure(options) {
        const before = JSON.stringify([this.options.searchUrl, this.options.k, this.options.index]);
        Object.assign(this.options, options || {});
        const after = JSON.stringify([this.options.searchUrl, this.options.k, this.options.index]);
        if (before !== after && this.strokes.length > 0) this.search('settings');
    }

    setPenWidth(width) {
        this.options.penWidth = Math.max(1, Math.min(40, Number(width) || 6));
    }

    undo() {
        if (this.undoStack.length === 0) return;
        this.redoStack.push(this.strokes);
        this.strokes = this.undoStack.pop();
        this.changed('undo');
    }

    redo() {
        if (this.redoStack.length === 0) return;
        this.undoStack.push(this.strokes);
        this.strokes = this.redoStack.pop();
        this.changed('redo');
    }

    clear() {
        if (this.strokes.length === 0) return;
        this.remember();
        this.strokes = [];
        this.changed('clear');
    }

    searchNow() {
        return this.search('button');
    }

    /** Sends the file picked in an <input type=file> to the upload endpoint. */
    async upload(input) {
        const file = input && input.files && input.files[0];
        if (!file) return;
        input.value = '';
        if (file.size > MAX_UPLOAD_BYTES) {
            this.dotNet.invokeMethodAsync('SearchFailed', ++this.seq, `the file is ${(file.size / 1048576).toFixed(1)} MiB; at most 5 MiB`);
            return;
        }
        const url = `${this.options.uploadUrl}?k=${this.options.k}` + (this.options.index ? `&index=${this.options.index}` : '');
        await this.send(url, file, file.type || 'application/octet-stream', 'upload', file.name);
    }

    dispose() {
        this.unbind();
        if (this.uploadInput) this.uploadInput.removeEventListener('change', this.onUploadChange);
        if (this.resultsObserver) this.resultsObserver.disconnect();
        if (this.resizeObserver) this.resizeObserver.disconnect();
        clearTimeout(this.liveTimer);
    }

    // ---- pointer input ----------------------------------------------------------------------

    bind() {
        this.handlers = {
            pointerdown: e => this.down(e),
            pointermove: e => this.move(e),
            pointerup: e => this.up(e),
            pointercancel: e => this.up(e),
            keydown: e => this.key(e),
        };
        for (const [name, handler] of Object.entries(this.handlers)) this.canvas.addEventListener(name, handler);
        this.resizeObserver = new ResizeObserver(() => this.resize());
        this.resizeObserver.observe(this.canvas);
    }

    unbind() {
        for (const [name, handler] of Object.entries(this.handlers)) this.canvas.removeEventListener(name, handler);
    }

    point(e) {
        const rect = this.canvas.getBoundingClientRect();
        const x = (e.clientX - rect.left) * LOGICAL_SIZE / rect.width;
        const y = (e.clientY - rect.top) * LOGICAL_SIZE / rect.height;
        if (this.startTime === null) this.startTime = e.timeStamp;
        return { x: clamp(x), y: clamp(y), t: Math.max(0, e.timeStamp - this.startTime) };
    }

    down(e) {
        if (this.active || (e.pointerType === 'mouse' && e.button !== 0)) return;
        if (this.strokes.length >= MAX_STROKES) {
            this.dotNet.invokeMethodAsync('SearchFailed', ++this.seq, `at most ${MAX_STROKES} strokes; clear or undo some`);
            return;
        }
        e.preventDefault();
        this.canvas.focus({ preventScroll: true });
        this.canvas.setPointerCapture(e.pointerId);
        this.activePointer = e.pointerId;
        const p = this.point(e);
        this.active = { xs: [p.x], ys: [p.y], ts: [p.t], width: this.options.penWidth };
        this.draw();
    }

    move(e) {
        if (!this.active || e.pointerId !== this.activePointer) return;
        e.preventDefault();
        const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [e];
        for (const event of events.length ? events : [e]) this.add(this.point(event));
        this.draw();
        this.scheduleLive();
    }

    up(e) {
        if (!this.active || e.pointerId !== this.activePointer) return;
        e.preventDefault();
        const p = this.point(e);
        const last = this.active.xs.length - 1;
        if (p.x !== this.active.xs[last] || p.y !== this.active.ys[last]) this.add(p, true);
        this.remember();
        this.strokes = this.strokes.concat([this.active]);
        this.active = null;
        this.activePointer = null;
        this.draw();
        this.notifyState();
        if (this.pointCount() > MAX_POINTS) {
            this.dotNet.invokeMethodAsync('SearchFailed', ++this.seq, `the drawing has more than ${MAX_POINTS} points; undo some strokes`);
            return;
        }
        const seq = this.seq + 1;
        performance.mark(`sketch:stroke-end:${seq}`);
        this.strokeEnds.set(seq, `sketch:stroke-end:${seq}`);
        this.search('stroke');
    }

    add(p, force) {
        const s = this.active;
        const last = s.xs.length - 1;
        if (!force && Math.hypot(p.x - s.xs[last], p.y - s.ys[last]) < MIN_POINT_GAP) return;
        s.xs.push(p.x);
        s.ys.push(p.y);
        s.ts.push(p.t);
    }

    key(e) {
        const mod = e.ctrlKey || e.metaKey;
        if (!mod) return;
        const k = e.key.toLowerCase();
        if (k === 'z' && !e.shiftKey) { this.undo(); e.preventDefault(); }
        else if (k === 'y' || (k === 'z' && e.shiftKey)) { this.redo(); e.preventDefault(); }
    }

    // ---- history ----------------------------------------------------------------------------

    remember() {
        this.undoStack.push(this.strokes);
        this.redoStack = [];
    }

    changed(reason) {
        this.draw();
        this.notifyState();
        if (this.strokes.length > 0) this.search(reason);
        else {
            this.shownSeq = ++this.seq; // answers still on their way are out of date
            this.dotNet.invokeMethodAsync('CanvasCleared');
        }
    }

    pointCount() {
        return this.strokes.reduce((n, s) => n + s.xs.length, 0) + (this.active ? this.active.xs.length : 0);
    }

    notifyState() {
        this.dotNet.invokeMethodAsync('CanvasState', this.strokes.length, this.pointCount(), this.undoStack.length > 0, this.redoStack.length > 0);
    }

    // ---- drawing ----------------------------------------------------------------------------

    resize() {
        const rect = this.canvas.getBoundingClientRect();
        const ratio = window.devicePixelRatio || 1;
        const width = Math.max(1, Math.round(rect.width * ratio));
        const height = Math.max(1, Math.round(rect.height * ratio));
        if (this.canvas.width !== width || this.canvas.height !== height) {
            this.canvas.width = width;
            this.canvas.height = height;
        }
        this.draw();
    }

    draw() {
        if (this.frame) return;
        this.frame = requestAnimationFrame(() => {
            this.frame = null;
            this.paint();
        });
    }

    paint() {
        const c = this.context;
        const scale = this.canvas.width / LOGICAL_SIZE;
        c.setTransform(1, 0, 0, 1, 0, 0);
        c.fillStyle = '#fff';
        c.fillRect(0, 0, this.canvas.width, this.canvas.height);
        c.setTransform(scale, 0, 0, this.canvas.height / LOGICAL_SIZE, 0, 0);
        c.strokeStyle = '#111';
        c.fillStyle = '#111';
        c.lineCap = 'round';
        c.lineJoin = 'round';
        for (const s of this.strokes) smoothStroke(c, s);
        if (this.active) smoothStroke(c, this.active);
    }

    // ---- searching --------------------------------------------------------------------------

    /** While a stroke is drawn: at most one live search in flight, at most one per liveIntervalMs. */
    scheduleLive() {
        if (!this.options.live || this.liveTimer) return;
        const wait = Math.max(0, this.lastLiveAt + this.options.liveIntervalMs - performance.now());
        this.liveTimer = setTimeout(() => {
            this.liveTimer = null;
            if (!this.active || this.liveInFlight) return;
            this.lastLiveAt = performance.now();
            this.liveInFlight = true;
            this.search('live').finally(() => { this.liveInFlight = false; });
        }, wait);
    }

    search(reason) {
        if (!this.options.searchUrl) return Promise.resolve();
        const strokes = this.strokes.concat(this.active ? [this.active] : []);
        if (strokes.length === 0) return Promise.resolve();
        const round = v => Math.round(v * 10) / 10;
        const body = JSON.stringify({
            strokes: strokes.map(s => [s.xs.map(round), s.ys.map(round), s.ts.map(Math.round)]),
            width: LOGICAL_SIZE,
            height: LOGICAL_SIZE,
            k: this.options.k,
            index: this.options.index,
            strokeWidth: this.options.penWidth,
        });
        return this.send(this.options.searchUrl, body, 'application/json', reason, null);
    }

    async send(url, body, contentType, reason, fileName) {
        const seq = ++this.seq;
        const started = performance.now();
        this.dotNet.invokeMethodAsync('SearchStarted', seq, reason);
        let response, text;
        try {
            response = await fetch(url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
            text = await response.text();
        } catch (error) {
            if (seq > this.shownSeq) this.dotNet.invokeMethodAsync('SearchFailed', seq, 'the server did not answer: ' + error.message);
            return;
        }
        const clientMs = performance.now() - started;
        if (seq < this.shownSeq) return; // a newer answer is already on the page
        this.shownSeq = seq;
        if (!response.ok) {
            let message = `${response.status} ${response.statusText}`;
            try { message = JSON.parse(text).detail || message; } catch { /* not JSON (a problem details body has "detail") */ }
            this.dotNet.invokeMethodAsync('SearchFailed', seq, message);
            return;
        }
        this.dotNet.invokeMethodAsync('AnswerArrived', seq, text, clientMs, reason, fileName);
    }

    // ---- timing -----------------------------------------------------------------------------

    /** Measures stroke end → answer shown when the page's results element carries the answer's sequence number. */
    observeResults() {
        this.resultsObserver = new MutationObserver(() => this.checkResults());
        this.resultsObserver.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-answer-seq'] });
    }

    checkResults() {
        const element = document.querySelector(this.options.resultsSelector);
        if (!element) return;
        const shown = Number(element.getAttribute('data-answer-seq') || 0);
        for (const [seq, mark] of this.strokeEnds) {
            if (seq > shown) continue;
            this.strokeEnds.delete(seq);
            if (seq !== shown) continue; // a later answer replaced this one before it was shown
            performance.measure('sketch:stroke-to-results', { start: mark, detail: { seq } });
            const images = Array.from(element.querySelectorAll('img'));
            Promise.all(images.map(img => img.complete ? Promise.resolve() : new Promise(done => {
                img.addEventListener('load', done, { once: true });
                img.addEventListener('error', done, { once: true });
            }))).then(() => performance.measure('sketch:stroke-to-images', { start: mark, detail: { seq } }));
        }
    }
}

function clamp(v) {
    return Math.max(0, Math.min(LOGICAL_SIZE, v));
}

/** A stroke as quadratic curves through the midpoints of its points (smooth, and exact at both ends). */
function smoothStroke(c, s) {
    const n = s.xs.length;
    c.lineWidth = s.width;
    if (n === 1) {
        c.beginPath();
        c.arc(s.xs[0], s.ys[0], s.width / 2, 0, 2 * Math.PI);
        c.fill();
        return;
    }
    c.beginPath();
    c.moveTo(s.xs[0], s.ys[0]);
    for (let i = 1; i < n - 1; i++) {
        const mx = (s.xs[i] + s.xs[i + 1]) / 2;
        const my = (s.ys[i] + s.ys[i + 1]) / 2;
        c.quadraticCurveTo(s.xs[i], s.ys[i], mx, my);
    }
    c.lineTo(s.xs[n - 1], s.ys[n - 1]);
    c.stroke();
}
