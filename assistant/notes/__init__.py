"""The notes layer: Markdown interview notes parsed into question sections (`parse`), the text
helpers every layer shares for Markdown and sentences (`text`), and each section's key points
(`keypoints`). Nothing here knows about embeddings, Chroma or answers.
"""
