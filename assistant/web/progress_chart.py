"""The scores-over-time chart of the Interview tab, drawn as inline SVG from interview/progress.py's rows.

Why not gr.LinePlot: in Gradio 6.31 an updated LinePlot showed the previous update's data under
the new title when its categories changed, kept an old colour legend when a topic was added,
and collapsed to a sliver when updated while its tab was hidden. This chart is plain escaped
markup: it scales with the page (viewBox), its text and grid take the page's colours (so dark
mode just works), each point has a tooltip, and a visually hidden table gives the same numbers
to screen readers. Pure function, no Gradio.
"""

from __future__ import annotations

from assistant.interview.progress import ALL
from assistant.web.html import escape

W, H = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 36, 12, 44
MAX_SERIES = 6  # "all topics" and the five topics answered most


def _series(rows: list[dict]) -> tuple[list[str], dict[str, dict[str, dict]]]:
    """Categories in time order, and per series the row at each category; the most answered topics kept."""
    cats = list(dict.fromkeys(r["when"] for r in rows))
    by: dict[str, dict[str, dict]] = {}
    for r in rows:
        by.setdefault(r["series"], {})[r["when"]] = r
    topics = sorted((s for s in by if s != ALL), key=lambda s: -sum(r["answers"] for r in by[s].values()))
    keep = [ALL, *topics[: MAX_SERIES - 1]] if ALL in by else topics[:MAX_SERIES]
    return cats, {s: by[s] for s in keep}


def chart_html(rows: list[dict], grouping: str, asked: str = "") -> str:
    """The chart (SVG, legend, hidden data table) for `progress.trend` rows grouped by `grouping`; `asked`: the
    grouping chosen, when there was only one such group and the chart fell back to a finer one (said in the caption,
    or the control looked broken)."""
    if not rows:
        return '<div class="m-empty">Your scores over time appear here once you have answered a question.</div>'
    cats, series = _series(rows)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(1, len(cats) - 1) if len(cats) > 1 else 0.0

    def x(i: int) -> float:
        return LEFT + (i * step if len(cats) > 1 else plot_w / 2)

    def y(score: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(10.0, score)) / 10)

    parts = [f'<line class="pc-grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
             f'<text class="pc-tick" x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>' for v in range(0, 11, 2)]
    every = max(1, -(-len(cats) // 4))  # at most ~4 labels on the x axis (they must fit on a phone)
    for i, c in enumerate(cats):
        if i % every == 0 or i == len(cats) - 1:
            parts.append(f'<text class="pc-tick" x="{x(i):.1f}" y="{H - BOTTOM + 16}" text-anchor="middle">{escape(c)}</text>')
    parts.append(f'<text class="pc-tick" x="{LEFT + plot_w / 2:.1f}" y="{H - 6}" text-anchor="middle">{escape(grouping)}</text>')
    legend: list[str] = []
    # Topics first, "all topics" last: drawn on top, so where they coincide the overall line shows.
    for k, (name, points) in reversed(list(enumerate(series.items()))):
        cls = f"pc-s{k}"
        coords = [(x(i), y(points[c]["score"]), points[c]) for i, c in enumerate(cats) if c in points]
        if len(coords) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in coords)
            parts.append(f'<polyline class="pc-line {cls}" points="{path}"/>')
        for px, py, r in coords:
            tip = f"{r['when']} — {name}: {r['score']:g}/10 ({r['answers']} answer{'s' if r['answers'] != 1 else ''})"
            parts.append(f'<circle class="pc-dot {cls}" cx="{px:.1f}" cy="{py:.1f}" r="{4.5 if k == 0 else 3.5}">'
                         f"<title>{escape(tip)}</title></circle>")
        legend.insert(0, f'<li><span class="pc-key {cls}" aria-hidden="true"></span>{escape(name)}</li>')
    head = "".join(f"<th scope='col'>{escape(c)}</th>" for c in cats)
    body = "".join(f"<tr><th scope='row'>{escape(name)}</th>"
                   + "".join(f"<td>{points[c]['score']:g}</td>" if c in points else "<td>-</td>" for c in cats) + "</tr>"
                   for name, points in series.items())
    label = f"Score out of 10 per {grouping}, overall and by topic"
    why = f" (only one {escape(asked)} so far)" if asked and asked != grouping else ""
    return (f'<figure class="pc"><figcaption class="pc-title">Score out of 10, per {escape(grouping)}{why}</figcaption>'
            f'<svg class="pc-svg" viewBox="0 0 {W} {H}" role="img" aria-label="{escape(label)}">{"".join(parts)}</svg>'
            f'<ul class="pc-legend">{"".join(legend)}</ul>'
            f'<table class="sr-only"><caption>{escape(label)}</caption><tr><th></th>{head}</tr>{body}</table></figure>')
