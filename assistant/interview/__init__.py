"""Mock interview mode: ask questions from the notes, grade answers against them, remember weak spots.

Modules: `kit` (the one factory CLI and web build), `grader` (point-by-point offline grader over
the section outline of notes/keypoints.py) and `llm_grader`, `topics` (keyword rules in `topics.json`), `notebook` (the indexed
questions an interview can ask), `store` (SQLite with named migrations; `practice_rows` for cards,
probes, timing), `srs` (FSRS cards per question and per key point; `schedule` keeps the old Leitner
boxes as the benchmark baseline), `plan` (due cards first, targeted turns for missed points),
`practice`, `probe` and `variants` (what happens around a grade), `session` (the interview state
machine shared by CLI and web), `schedule_view`, `report_md` and `anki` (progress and exports),
`mastery` (how well each question and topic is known now, from the cards; `plan.weakest` uses it),
`progress` (scores over time for the chart), `cards` (what the web tab shows per answered question) and
`calibrate` (the grading-set report). Nothing here imports Gradio, and models load only when first used.
"""
