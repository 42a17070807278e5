// The operator page's HTML and CSS (#21 item 5); its script is src/http/ui/page.ts, compiled by the build. No
// inline script or style, so the strict Content-Security-Policy of routes/ui.ts holds.
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sluice operator</title>
<link rel="stylesheet" href="page.css">
<link rel="icon" href="icon.svg">
<script type="module" src="page.js"></script>
</head>
<body>
<header>
  <h1>sluice <span class="muted">operator</span></h1>
  <span id="updated" class="muted"></span>
  <output id="status"></output>
</header>
<form id="auth" hidden>
  <label>Bearer token <input id="token" type="password" autocomplete="off"></label>
  <button type="submit">use</button>
  <span class="muted">kept in this tab only; SigV4 keys cannot be used from the page</span>
</form>
<main>
  <section>
    <h2>Failing batches</h2>
    <ul id="failures"><li class="muted">loading…</li></ul>
  </section>
  <div id="mappings"></div>
  <section>
    <h2>Redrive failures</h2>
    <form id="redrive">
      <label>from <input name="from" required placeholder="arn:aws:sqs:…:dlq"></label>
      <label>to <input name="to" required placeholder="function name or source queue"></label>
      <label><input name="dryRun" type="checkbox"> dry run</label>
      <button type="submit" data-action="redrive">redrive</button>
    </form>
    <pre id="redrive-progress"></pre>
  </section>
</main>
</body>
</html>
`;

export const PAGE_CSS = `:root { font: 14px/1.4 system-ui, sans-serif; color: #1d2430; background: #f6f7f9; }
body { margin: 0; }
[hidden] { display: none !important; }
header { display: flex; gap: 1rem; align-items: baseline; padding: .6rem 1rem; background: #1d2430; color: #fff; }
header h1 { font-size: 1.2rem; margin: 0; }
main { padding: 0 1rem 2rem; }
section { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; margin: 1rem 0; padding: .5rem 1rem; }
h2 { font-size: 1rem; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }
.muted { color: #7a8494; font-weight: normal; }
header .muted { color: #aab3c0; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eceff3; vertical-align: top; }
th { font-weight: 600; color: #4a5361; }
.pos { font-family: ui-monospace, monospace; font-size: 12px; white-space: nowrap; }
td.failing { white-space: pre-line; color: #a11d1d; }
.state { font-weight: 600; }
.state.blocked { color: #a11d1d; } .state.paused { color: #9a6a00; } .state.running, .state.idle { color: #1e7a3a; }
button { margin: 0 .2rem .2rem 0; padding: .15rem .6rem; border: 1px solid #9aa4b2; border-radius: 4px; background: #fff; cursor: pointer; }
button:hover { background: #eef2f7; }
#status.ok { color: #1e7a3a; } #status.error { color: #ff8a8a; }
form { display: flex; gap: .8rem; flex-wrap: wrap; align-items: center; }
#auth { padding: .6rem 1rem; background: #fff4d6; }
pre { font-size: 12px; }
`;

/** Its own icon, so the browser does not ask the API for /favicon.ico (refused without a token). */
export const PAGE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#1d2430"/><path d="M3 5h10M3 8h7M3 11h10" stroke="#6cc4ff" stroke-width="1.6"/></svg>`;
