"""Deep-learning interview assistant: answers, mock interviews and evals grounded in Markdown notes.

The packages follow the data: `notes` (parse the Markdown) → `retrieval` (index and search it)
→ `answering` (cited answers), with `interview` (mock interviews) and `evals` (measurement)
beside them, and `cli` / `web` as thin front ends over `service.Assistant`.
"""
