"""``python -m strategy_builder``: the same CLI as the ``strategy-builder`` command."""

from strategy_builder.cli import main

if __name__ == "__main__":
    main()
