"""The app's CSS: light colours chosen for WCAG AA contrast, and a dark counterpart for each custom colour.

Kept apart from app.py so the page code stays short. Gradio's dark theme is the `dark` class on
<body> (set by `?__theme=dark`, the system setting, or the header toggle, remembered in
localStorage by the page script); every rule with a fixed colour has a `.dark` rule below it.
Browser tests measure the contrast of the badges, source cards, counter and feedback cards in both modes.
"""

LIGHT = """
.gradio-container { max-width: 1280px !important; }
.is-off { display: none !important; }  /* base.shown(): hidden but mounted */
.mode-badge { display: inline-block; padding: 2px 10px; margin: 0 6px 6px 0; border-radius: 999px;
  font-size: 0.85em; font-weight: 600; line-height: 1.6; border: 1px solid transparent; }
.mode-extractive { background: #e0ecff; color: #1a3f8f; border-color: #b5cdfa; }
.mode-llm { background: #dcf5e3; color: #17613a; border-color: #a9e2bd; }
.mode-fallback { background: #fff1d6; color: #7a4b00; border-color: #f2cf86; }
.mode-unchecked { background: #fde2e2; color: #8a1c1c; border-color: #f3b0b0; }
.mode-uncovered { background: #eceff3; color: #3d4652; border-color: #cfd5dd; }
.src-panel { padding: 4px 2px; }
.src-which { font-size: 0.85em; color: #374151; margin-bottom: 4px; }
.src-item.src-target { outline: 3px solid #1d4ed8; outline-offset: 1px; }
.src-rel { font-variant-numeric: tabular-nums; }
.src-open { margin-top: 6px; font-size: 0.85em; padding: 2px 10px; border-radius: 6px; cursor: pointer;
  border: 1px solid #1d4ed8; color: #1d4ed8; background: transparent; }
.src-open:hover, .src-open:focus-visible { background: #1d4ed8; color: #fff; }
.q-count { font-size: 0.85em; color: #4b5563; padding: 2px 4px; }
/* Send while the question is over the limit (app.py sets aria-disabled): it looks as unavailable as it is (it stayed
   bright orange with a pointer cursor, blind web QA). */
#send[aria-disabled="true"] { opacity: 0.45; cursor: not-allowed; filter: grayscale(0.7); }
.q-count-row { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 12px; }
.q-hint { font-size: 0.85em; color: #4b5563; padding: 2px 4px; }
/* The question row: the box takes what the two compact buttons leave. On a phone the box has the first line to
   itself and Send and New chat share the second (side by side, the box was 200 px and New chat wrapped alone). */
#question-row { align-items: stretch; gap: 8px; }
#question-row > button { white-space: nowrap; }
@media (max-width: 600px) {
  #question-row > #question { flex: 1 1 100% !important; }
  #question-row > button { flex: 1 1 0 !important; }
}
/* The closed chat sidebar's toggle on a phone: Gradio draws it as a half-pill glued to the screen's left edge
   (it looked cut off). A whole rounded button a little in from the edge instead, the header moved aside for it
   while the Chat tab (and so the toggle) is shown. */
@media (max-width: 768px) {
  #chat-sidebar:not(.open) .toggle-button { left: calc(100% + 6px) !important; top: 12px !important; width: 36px !important;
    height: 36px !important; border: 1px solid var(--border-color-primary) !important; border-radius: 8px !important;
    box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15); }
  .column:has(> #tabs > .tabitem:not([style*="display: none"]) #chat-sidebar:not(.open)) > #app-header {
    padding-left: 16px; }
}
/* (Inside @media Gradio keeps only its scoped copy of a rule, `.gradio-container .contain <selector>`: a selector
   there must start below .contain, hence .column rather than .gradio-container above.) */
.q-count.over { color: #b91c1c; font-weight: 600; }
.q-problem { background: #fde8e8; color: #7f1d1d; border-radius: 6px; padding: 6px 8px; margin: 4px 0; }
.iv-timer { font-variant-numeric: tabular-nums; font-weight: 600; color: #1e3a8a; }
.iv-timer.over { color: #b91c1c; }
.q-note { background: #eff6ff; color: #1e3a8a; border-radius: 6px; padding: 6px 8px; margin: 4px 0; }
#chatbot a[href^="#src-"] { color: #1d4ed8; font-weight: 600; text-decoration: none; }
.settings-test { font-size: 0.9em; padding: 4px 2px; overflow-wrap: anywhere; }
.settings-test.ok { color: #166534; } .settings-test.bad { color: #991b1b; }
.settings-note { font-size: 0.9em; color: #374151; }
/* The language-model panel is edged like the blocks around it; its status line takes no room until it says something. */
#settings-llm { border: 1px solid var(--block-border-color) !important; border-radius: var(--block-radius) !important;
  padding: var(--block-padding) !important; }
#llm-status:not(:has(.settings-test)) { display: none; }
/* A topic name longer than the box (on a phone: an <input> cannot wrap) ends in "…", not mid-character;
   the open list shows every name in full. */
#iv-topic input { text-overflow: ellipsis; }
#tabs button[role="tab"][aria-selected="true"] { color: #c2410c; }
.src-head { font-weight: 700; margin: 6px 0 4px; }
.src-list { list-style: none; padding: 0; margin: 0; }
.src-item { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin-bottom: 8px;
  background: var(--background-fill-secondary); overflow-wrap: anywhere; }
.src-top { font-weight: 600; }
.src-n { color: #1d4ed8; margin-right: 4px; }
.src-sub { font-size: 0.85em; color: #4b5563; margin-top: 2px; }
.src-excerpt { font-size: 0.9em; margin-top: 6px; max-height: 220px; overflow-y: auto; }
.src-excerpt ul { margin: 0; padding-left: 1.2em; }
.src-excerpt p { margin: 0 0 4px; }
.src-link { font-size: 0.85em; margin-top: 4px; overflow-wrap: anywhere; }
.src-empty { color: #4b5563; padding: 8px 2px; }
.src-removed { font-size: 0.85em; color: #4b5563; margin-top: 4px; }
.fig-missing::before { content: "▨ "; }
.fig-missing { display: inline-block; padding: 8px 12px; margin: 4px 0; border: 1px dashed #9aa4b2; border-radius: 6px;
  background: #f4f6f8; color: #4a5563; font-size: 0.9em; }
.note { overflow-wrap: anywhere; }
.note-title { margin: 0 0 4px; font-size: 1.25em; }
.note-meta { font-size: 0.85em; color: #4b5563; margin-bottom: 8px; }
.note-hint { background: #eef3fb; border-radius: 6px; padding: 6px 8px; margin-bottom: 8px; font-size: 0.9em; }
.note-body pre { overflow-x: auto; }
#notes-list { max-height: 620px; overflow-y: auto; }
@media (max-width: 720px) { #notes-list { max-height: 38vh; } #note-view { scroll-margin-top: 8px; } }
#notes-list label { width: 100%; }
/* A search lists each match with a snippet on its own line (web/notes_search.py: label, newline, snippet). */
#notes-list label span { white-space: pre-line; }
mark.hl { background: #fde68a; color: #1f2937; border-radius: 2px; padding: 0 1px; }
.settings-summary dt { font-weight: 600; margin-top: 6px; }
.settings-summary dd { margin: 0 0 0 0; overflow-wrap: anywhere; }
#app-header { align-items: center; }
#app-header > :first-child { flex: 1 1 auto; }
#theme-toggle-box { flex: 0 0 auto !important; min-width: 0 !important; width: auto !important; margin-left: auto; }
@media (min-width: 721px) { #app-header { flex-wrap: nowrap; } }
@media (max-width: 720px) { #app-header > :first-child { flex-basis: 100%; } #theme-toggle-box { margin-left: 0; } }
#app-header .prose h2 { margin: 0; }
#theme-toggle { font: inherit; font-size: 0.9em; padding: 4px 12px; border-radius: 8px; cursor: pointer; white-space: nowrap;
  border: 1px solid var(--border-color-primary); background: var(--button-secondary-background-fill);
  color: var(--body-text-color); }
#theme-toggle:hover, #theme-toggle:focus-visible { background: var(--button-secondary-background-fill-hover); }
#theme-toggle:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 1px; }
#theme-toggle[aria-pressed="true"]::after { content: ": on"; } #theme-toggle[aria-pressed="false"]::after { content: ": off"; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; border: 0; }
.qa-cards { display: flex; flex-direction: column; gap: 12px; margin: 8px 0; }
.qa-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  background: var(--background-fill-primary); color: var(--body-text-color); overflow-wrap: anywhere; scroll-margin-top: 8px; }
.qa-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px; font-weight: 600; margin-bottom: 8px; }
.qa-label { flex: 1 1 auto; }
.qa-score { padding: 1px 10px; border-radius: 999px; font-variant-numeric: tabular-nums; }
.qa-good { background: #dcfce7; color: #14532d; } .qa-fair { background: #fef3c7; color: #78350f; }
.qa-poor { background: #fee2e2; color: #7f1d1d; }
.qa-grid { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; }
@media (max-width: 720px) { .qa-grid { grid-template-columns: minmax(0, 1fr); } }
.qa-h { font-size: 0.8em; font-weight: 700; letter-spacing: 0.02em; text-transform: uppercase; color: #374151; margin: 2px 0 4px; }
.qa-prompt { margin: 0 0 8px; }
.qa-answer { white-space: pre-wrap; background: var(--background-fill-secondary); border-left: 3px solid #6b7280;
  border-radius: 4px; padding: 6px 8px; }
.qa-skipped { font-style: italic; }
.qa-time, .qa-cite, .qa-verdict { font-size: 0.85em; color: #374151; margin-top: 6px; }
.qa-points { list-style: none; padding: 0; margin: 0; }
.qa-pt { display: grid; grid-template-columns: 1.4em minmax(0, 1fr); margin: 0 0 6px; }
.qa-pt > .qa-why { grid-column: 2; }
.qa-mark { font-weight: 700; text-align: center; }
.qa-covered .qa-mark { color: #166534; } .qa-missed .qa-mark { color: #b91c1c; } .qa-contradicted .qa-mark { color: #9a3412; }
.qa-pt-text { grid-column: 2; grid-row: 1; }
/* The follow-up's note ("— then covered in the follow-up") is the text's second line, in the text's column: left to
   auto-placement it fell into the 1.4em mark column and wrapped two letters a line (blind QA, 1280 px). */
.qa-pt > .qa-later { grid-column: 2; }
.qa-why, .qa-later { font-size: 0.9em; color: #374151; }
.qa-contra { color: #7f1d1d; }
.qa-elsewhere { color: #7a4b00; font-weight: 600; }
.qa-text { white-space: pre-wrap; }
.qa-probe { border-top: 1px dashed var(--border-color-primary); margin-top: 10px; padding-top: 8px; }
.qa-cite .src-open { margin: 0 0 0 6px; }
#iv-question { font-size: 1.05em; }
/* The report table: its short columns (score, time) keep their words whole; the question and follow-up columns
   wrap (the long follow-up squeezed "score" into "sco/re" and "time" into "tim/e"). */
#iv-report th, #iv-report td:first-child, #iv-report td:nth-child(3) { white-space: nowrap; }
#iv-report table { overflow-wrap: normal; word-break: normal; }
/* On a phone the four columns do not fit: the table scrolls sideways inside the page instead of being cut. */
@media (max-width: 720px) { #iv-report table { display: block; max-width: 100%; overflow-x: auto; } }
.m-list { list-style: none; padding: 0; margin: 0; }
.m-row { display: grid; grid-template-columns: minmax(8em, 14em) minmax(60px, 1fr); gap: 2px 10px; align-items: center; margin-bottom: 8px; }
.m-pct { grid-column: 1 / -1; font-size: 0.85em; color: #374151; }
.m-bar { display: block; height: 10px; border-radius: 999px; background: #e5e7eb; border: 1px solid #9ca3af; overflow: hidden; }
.m-fill { display: block; height: 100%; }
.m-strong { background: #15803d; } .m-fair { background: #b45309; } .m-weak { background: #b91c1c; } .m-new { background: transparent; }
.m-empty { color: #4b5563; padding: 6px 2px; }
@media (max-width: 720px) { .m-row { grid-template-columns: minmax(0, 1fr); } }
.upload-status { padding: 6px 8px; border-radius: 6px; margin: 4px 0; overflow-wrap: anywhere; }
.upload-status.ok { background: #dcfce7; color: #14532d; } .upload-status.bad { background: #fde8e8; color: #7f1d1d; }
.pc { margin: 0; color: var(--body-text-color); }
.pc-title { font-weight: 600; margin-bottom: 4px; }
.pc-svg { display: block; width: 100%; height: auto; overflow: visible; }
.pc-grid { stroke: var(--border-color-primary); stroke-width: 1; }
.pc-tick { fill: currentColor; font-size: 10px; }
@media (max-width: 720px) { .pc-tick { font-size: 17px; } }
.pc-line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-dasharray: 6 3; }
.pc-legend { list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 0.85em; }
/* A point is a marker ringed in the page colour, so dodged neighbours and the lines under them stay apart; the
   legend key is a line with such a dot, as a series of one session is drawn only as its dot. */
.pc-dot { stroke: var(--background-fill-primary); stroke-width: 1.5; }
.pc-key { display: inline-block; position: relative; width: 18px; height: 3px; border-radius: 2px; margin-right: 6px;
  vertical-align: middle; }
.pc-key::after { content: ""; position: absolute; left: 5px; top: -3px; width: 9px; height: 9px; border-radius: 50%;
  background: inherit; }
.mq-list { list-style: none; padding: 0; margin: 0; }
.mq-row { border-bottom: 1px solid var(--border-color-primary); padding: 6px 0; display: grid;
  grid-template-columns: minmax(0, 1fr) minmax(80px, 160px); gap: 2px 12px; align-items: center; }
.mq-label { font-weight: 600; overflow-wrap: anywhere; }
.mq-meta { grid-column: 1 / -1; font-size: 0.85em; color: #374151; }
@media (max-width: 720px) { .mq-row { grid-template-columns: minmax(0, 1fr); } }
#chat-list label { width: 100%; }
#chat-list-empty { font-size: 0.9em; color: #4b5563; }
.chat-status { font-size: 0.9em; padding: 4px 2px; overflow-wrap: anywhere; }
.chat-status.ok { color: #166534; } .chat-status.bad { color: #991b1b; }
#chat-status:not(:has(.chat-status)), #feedback-note:not(:has(.chat-status)), #chat-user:not(:has(.chat-user)) { display: none; }
.chat-user { font-size: 0.9em; color: #374151; overflow-wrap: anywhere; }
.chat-user a { color: #1d4ed8; }
/* The chat sidebar lives in the Chat tab: on another tab it is hidden, so give its room back to the page. */
.sidebar-parent:has(.tabitem[style*="display: none"] #chat-sidebar.open) { padding-left: 0 !important; }

"""

# Dark mode (Gradio puts `dark` on <body>): every fixed colour above has a readable (WCAG AA) counterpart.
# Written one selector per rule: Gradio scopes custom CSS by rewriting selectors, and it rewrites only the first
# selector of a `.dark a, .dark b` list correctly (the others never match).
DARK_RULES: list[tuple[str, str]] = [
    ('.mode-extractive', 'background: #1e3a8a; color: #dbeafe; border-color: #3b82f6;'),
    ('.mode-llm', 'background: #14532d; color: #dcfce7; border-color: #22c55e;'),
    ('.mode-fallback', 'background: #78350f; color: #fef3c7; border-color: #f59e0b;'),
    ('.mode-unchecked', 'background: #7f1d1d; color: #fee2e2; border-color: #ef4444;'),
    ('.mode-uncovered', 'background: #374151; color: #e5e7eb; border-color: #6b7280;'),
    ('.src-which, .src-sub, .src-empty, .src-removed, .q-count, .q-hint, .note-meta, .settings-note', 'color: #d1d5db;'),
    ('.qa-h, .qa-time, .qa-cite, .qa-verdict, .qa-why, .qa-later, .m-pct, .m-empty, .mq-meta', 'color: #d1d5db;'),
    ('.q-count.over', 'color: #fca5a5;'),
    ('.q-problem', 'background: #450a0a; color: #fecaca;'),
    ('.q-note', 'background: #1e293b; color: #e2e8f0;'),
    ('.iv-timer', 'color: #93c5fd;'),
    ('.iv-timer.over', 'color: #fca5a5;'),
    ('.src-n, #chatbot a[href^="#src-"]', 'color: #93c5fd;'),
    ('.src-open', 'border-color: #93c5fd; color: #93c5fd;'),
    ('.src-open:hover, .src-open:focus-visible', 'background: #93c5fd; color: #0b0f19;'),
    ('.src-item.src-target', 'outline-color: #60a5fa;'),
    ('.fig-missing', 'background: #1f2937; color: #d1d5db; border-color: #6b7280;'),
    ('.note-hint', 'background: #1e293b; color: #e2e8f0;'),
    ('mark.hl', 'background: #a16207; color: #fefce8;'),
    ('.settings-test.ok', 'color: #86efac;'),
    ('.settings-test.bad', 'color: #fca5a5;'),
    ('#tabs button[role="tab"][aria-selected="true"]', 'color: #fb923c;'),
    ('#theme-toggle:focus-visible', 'outline-color: #60a5fa;'),
    ('.qa-good', 'background: #14532d; color: #dcfce7;'),
    ('.qa-fair', 'background: #78350f; color: #fef3c7;'),
    ('.qa-poor', 'background: #7f1d1d; color: #fee2e2;'),
    ('.qa-covered .qa-mark', 'color: #86efac;'),
    ('.qa-missed .qa-mark', 'color: #fca5a5;'),
    ('.qa-contradicted .qa-mark', 'color: #fdba74;'),
    ('.qa-contra', 'color: #fecaca;'),
    ('.qa-elsewhere', 'color: #fde68a;'),
    ('.qa-answer', 'border-left-color: #9ca3af;'),
    ('.m-bar', 'background: #374151; border-color: #6b7280;'),
    ('.m-strong', 'background: #22c55e;'),
    ('.m-fair', 'background: #f59e0b;'),
    ('.m-weak', 'background: #f87171;'),
    ('.upload-status.ok', 'background: #14532d; color: #dcfce7;'),
    ('.upload-status.bad', 'background: #450a0a; color: #fecaca;'),
    ('#chat-list-empty, .chat-user', 'color: #d1d5db;'),
    ('.chat-status.ok', 'color: #86efac;'),
    ('.chat-status.bad', 'color: #fca5a5;'),
    ('.chat-user a', 'color: #93c5fd;'),
]


def dark_css(rules: list[tuple[str, str]]) -> str:
    """`.dark <selector> { ... }` for each selector of each rule, one selector per rule."""
    return "\n".join(f".dark {sel.strip()} {{ {decl} }}" for sels, decl in rules for sel in sels.split(","))


# Chart series colours (light, dark): lines, points and legend keys; each at least 3:1 against its background.
SERIES = [("#1d4ed8", "#93c5fd"), ("#c2410c", "#fdba74"), ("#15803d", "#86efac"), ("#7e22ce", "#d8b4fe"),
          ("#be123c", "#fda4af"), ("#0f766e", "#5eead4")]


def series_css(dark: bool) -> str:
    """Stroke, fill and legend colour of each chart series, in light or dark mode."""
    prefix = ".dark " if dark else ""
    return "\n".join(f"{prefix}.pc-line.pc-s{k} {{ stroke: {c[dark]}; }}\n{prefix}.pc-dot.pc-s{k} {{ fill: {c[dark]}; }}\n"
                     f"{prefix}.pc-key.pc-s{k} {{ background: {c[dark]}; }}" for k, c in enumerate(SERIES))


CSS = LIGHT + series_css(False) + "\n.pc-line.pc-s0 { stroke-width: 3; stroke-dasharray: none; }\n" + dark_css(DARK_RULES) + "\n" + series_css(True)
