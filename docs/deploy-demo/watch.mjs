// Watches a lab page in headless Chromium over the DevTools protocol and prints each change of the
// watched elements' text with the time: node --experimental-websocket watch.mjs URL COOKIE SECONDS SELECTOR
import { spawn } from 'node:child_process';
const [url, cookie, seconds, selector] = process.argv.slice(2);
const chrome = spawn('/usr/bin/chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--remote-debugging-port=9339',
  '--user-data-dir=/tmp/scale-demo/chrome', 'about:blank'], { stdio: 'ignore' });
const sleep = ms => new Promise(r => setTimeout(r, ms));
let targets;
for (let i = 0; i < 100; i++) { try { targets = await (await fetch('http://127.0.0.1:9339/json/list')).json(); break; } catch { await sleep(100); } }
const ws = new WebSocket(targets.find(t => t.type === 'page').webSocketDebuggerUrl);
await new Promise(r => ws.onopen = r);
let id = 0; const pending = new Map();
ws.onmessage = m => { const d = JSON.parse(m.data); if (d.id && pending.has(d.id)) { pending.get(d.id)(d.result); pending.delete(d.id); } };
const send = (method, params = {}) => new Promise(r => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
const origin = new URL(url).origin;
await send('Network.enable');
await send('Network.setCookie', { name: 'sbirlab.auth', value: cookie, url: origin, httpOnly: true });
await send('Page.enable');
await send('Page.navigate', { url });
const start = Date.now(); let last = '';
while (Date.now() - start < seconds * 1000) {
  const r = await send('Runtime.evaluate', { expression: `Array.from(document.querySelectorAll(${JSON.stringify(selector)})).map(e => e.innerText.replace(/\\s+/g, ' ').trim()).join(' | ')`, returnByValue: true });
  const text = r?.result?.value ?? '';
  if (text !== last) { console.log(`${new Date().toISOString().substring(11, 23)} ${text}`); last = text; }
  await sleep(50);
}
ws.close(); chrome.kill();
process.exit(0);
