"""`python -m assistant`: the same command group as the `assistant` script."""

from assistant.cli import main

main()
