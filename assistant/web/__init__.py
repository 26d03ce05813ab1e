"""The Gradio web app (imported only by `assistant web`; Gradio is never imported by the CLI)."""
