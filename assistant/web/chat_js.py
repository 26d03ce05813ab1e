"""The Chat page's small browser-side scripts, run after its events (`.then(None, js=…)`), kept apart from its wiring.

Each is a JavaScript function as a string, as Gradio's `js=` takes it: layout fixes that only the browser can make
(where the viewport is, how tall an answer came out).
"""

from __future__ import annotations

# On a phone (Gradio's sidebar covers the whole screen up to 768 px wide) the sidebar gets out of the chat's way.
CLOSE_SIDEBAR_ON_PHONE = """() => { if (window.innerWidth > 768) return;
  const sb = document.getElementById("chat-sidebar");
  if (sb && sb.classList.contains("open")) sb.querySelector(".toggle-button")?.click(); }"""

# An answer taller than the chat's scroll box is shown from its start once it is written: the chat follows the end of
# a message, so on a phone the user landed on the last method of 第28题's answer and had to scroll up to read it
# (blind web QA). Gradio's own autoscroll may run after this (under load it did, in a fresh-clone run), so for two
# seconds the start is brought back whenever the box sits at its bottom; a user who scrolled elsewhere is left there.
# A short answer stays where the chat put it.
START_OF_LONG_ANSWER = """() => { const t0 = Date.now();
  const fix = () => {
    const bots = document.querySelectorAll("#chatbot .bot"), last = bots[bots.length - 1];
    if (!last) return;
    let box = last.parentElement;
    while (box && box !== document.body && !(box.scrollHeight > box.clientHeight + 1
           && /(auto|scroll)/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
    if (!box || box === document.body || last.getBoundingClientRect().height <= box.clientHeight) return;
    const atBottom = box.scrollTop + box.clientHeight >= box.scrollHeight - 4;
    if (atBottom || !box.dataset.startShown) {
      box.scrollTop += last.getBoundingClientRect().top - box.getBoundingClientRect().top - 8;
      box.dataset.startShown = "1";
    }
    if (Date.now() - t0 < 2000) setTimeout(fix, 150);
    else delete box.dataset.startShown;
  };
  setTimeout(fix, 100); }"""
