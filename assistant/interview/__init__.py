"""Mock interview mode: ask questions from the notes, grade answers against them, remember weak spots.

Modules: `keypoints` (reference answers as key points), `grader` (offline e5 + term grader and
an optional LLM grader), `topics` (keyword rules in `topics.json`), `notebook` (the indexed
questions an interview can ask), `store` (SQLite with named migrations), `schedule` (Leitner
boxes), `session` (the interview state machine shared by CLI and web) and `calibrate` (the
grading-set report). Nothing here imports Gradio, and models load only when first used.
"""
