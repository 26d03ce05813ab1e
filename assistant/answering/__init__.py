"""The answering layer: the LCEL chain (`chain`), follow-up condensing (`condense`), the offline
extractive answerer (`extractive`), the `[n]` citation checker (`citations`), prompt files
(`prompts`), the OpenAI-compatible chat model (`llm`) and token budgets (`tokens`).
"""
