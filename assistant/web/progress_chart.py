"""The scores-over-time chart of the Interview tab, drawn as inline SVG from interview/progress.py's rows.

Why not gr.LinePlot: in Gradio 6.31 an updated LinePlot showed the previous update's data under
the new title when its categories changed, kept an old colour legend when a topic was added,
and collapsed to a sliver when updated while its tab was hidden. This chart is plain escaped
markup: it scales with the page (viewBox), its text and grid take the page's colours (so dark
mode just works), each point has a tooltip, and a visually hidden table gives the same numbers
to screen readers. Pure function, no Gradio.

Why the points are dodged: a session of one topic has that topic's mean equal to the overall
mean, so its point sat exactly under the "all topics" point and only one line was visible
while the legend listed six series. Each series gets its own small horizontal offset within a
category, and every point is a marker drawn above all the lines, so a series of one point shows.
"""

from __future__ import annotations

from assistant.interview.progress import ALL
from assistant.web.html import escape

W, H = 480, 244
LEFT, RIGHT, TOP, BOTTOM = 44, 36, 12, 68  # room below for two-line x labels ("#3" over "12-01") and the axis name
MAX_SERIES = 6  # "all topics" and the five topics answered most
DODGE = 7.0  # user units between neighbouring series at one category, when the categories leave room
TICK_FONT = 17  # the x labels' largest font size (styles.py: phone), in user units: labels must fit at that size
GAP = 8  # user units kept free between neighbouring x labels


def _series(rows: list[dict]) -> tuple[list[str], dict[str, dict[str, dict]]]:
    """Categories in time order, and per series the row at each category; the most answered topics kept."""
    cats = list(dict.fromkeys(r["when"] for r in rows))
    by: dict[str, dict[str, dict]] = {}
    for r in rows:
        by.setdefault(r["series"], {})[r["when"]] = r
    topics = sorted((s for s in by if s != ALL), key=lambda s: -sum(r["answers"] for r in by[s].values()))
    keep = [ALL, *topics[: MAX_SERIES - 1]] if ALL in by else topics[:MAX_SERIES]
    return cats, {s: by[s] for s in keep}


def _lines(label: str) -> list[str]:
    """An x label as the lines it is drawn on: '#3 · 12-01' as '#3' over '12-01', so five sessions fit on a phone."""
    return label.split(" · ")


def _width(text: str) -> float:
    """Estimated width of a label line at TICK_FONT (CJK and other wide characters count as a full em)."""
    return TICK_FONT * sum(1.0 if ord(ch) >= 0x2E80 else 0.62 for ch in text)


def labelled(cats: list[str], step: float) -> list[int]:
    """Indices of the categories to label on the x axis: every one when they fit side by side, else every k-th,
    counted back from the newest so the latest group is always named."""
    if not cats:
        return []
    widest = max(_width(line) for c in cats for line in _lines(c))
    every = 1 if step <= 0 else max(1, -(-(widest + GAP) // step))
    return sorted(range(len(cats) - 1, -1, -int(every)))


def _offsets(n: int, step: float) -> list[float]:
    """Horizontal offset of each of `n` series: the first ("all topics") centred, the others alternately right
    and left of it, kept within a third of the distance between categories."""
    widest = (n // 2) or 1
    d = DODGE if step <= 0 else min(DODGE, step / 3 / widest)
    return [0.0] + [((j + 1) // 2) * d * (1 if j % 2 else -1) for j in range(1, n)]


def chart_html(rows: list[dict], grouping: str, asked: str = "") -> str:
    """The chart (SVG, legend, hidden data table) for `progress.trend` rows grouped by `grouping`; `asked`: the
    grouping chosen, when there was only one such group and the chart fell back to a finer one (said in the caption,
    or the control looked broken)."""
    if not rows:
        return '<div class="m-empty">Your scores over time appear here once you have answered a question.</div>'
    cats, series = _series(rows)
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / (len(cats) - 1) if len(cats) > 1 else 0.0

    def x(i: int) -> float:
        return LEFT + (i * step if len(cats) > 1 else plot_w / 2)

    def y(score: float) -> float:
        return TOP + plot_h * (1 - max(0.0, min(10.0, score)) / 10)

    parts = [f'<line class="pc-grid" x1="{LEFT}" x2="{W - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
             f'<text class="pc-tick" x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v}</text>' for v in range(0, 11, 2)]
    for i in labelled(cats, step):
        first, *more = _lines(cats[i])
        rest = "".join(f'<tspan x="{x(i):.1f}" dy="1.2em">{escape(line)}</tspan>' for line in more)
        # Hung from a fixed gap under the plot: at the phone's larger font a baseline-placed label touched the markers.
        parts.append(f'<text class="pc-tick" x="{x(i):.1f}" y="{H - BOTTOM + 8}" text-anchor="middle" '
                     f'dominant-baseline="hanging">{escape(first)}{rest}</text>')
    parts.append(f'<text class="pc-tick" x="{LEFT + plot_w / 2:.1f}" y="{H - 4}" text-anchor="middle">{escape(grouping)}</text>')
    offsets = _offsets(len(series), step)
    lines: list[str] = []
    dots: list[str] = []
    legend: list[str] = []
    for k, (name, points) in enumerate(series.items()):
        cls = f"pc-s{k}"
        coords = [(x(i) + offsets[k], y(points[c]["score"]), points[c]) for i, c in enumerate(cats) if c in points]
        if len(coords) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in coords)
            # "all topics" (k = 0) last of the lines, so where lines cross the overall one stays on top.
            lines.insert(0, f'<polyline class="pc-line {cls}" points="{path}"/>')
        for px, py, r in coords:
            tip = f"{r['when']} — {name}: {r['score']:g}/10 ({r['answers']} answer{'s' if r['answers'] != 1 else ''})"
            dots.append(f'<circle class="pc-dot {cls}" cx="{px:.1f}" cy="{py:.1f}" r="{4.5 if k == 0 else 4}">'
                        f"<title>{escape(tip)}</title></circle>")
        legend.append(f'<li><span class="pc-key {cls}" aria-hidden="true"></span>{escape(name)}</li>')
    # Markers above every line: a topic answered in one group only is a single point, and a line must not hide it.
    parts += lines + dots
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
