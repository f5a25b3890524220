"""``python -m strategy_builder``: the same CLI as the ``strategy-builder`` command (through its warm start)."""

from strategy_builder.warm_start import main

if __name__ == "__main__":
    main()
