"""The retrieval layer: offline embedders (`embeddings`), the Chroma store (`store`), incremental
ingest of the notes into it (`ingest`; `uploads` for files added from the web app), lexical signals and BM25 tokens (`lexical`), question types
(`intent`), the fused retriever (`retriever`) and the coverage decision (`coverage`).
"""
