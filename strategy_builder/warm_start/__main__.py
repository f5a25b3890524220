"""``python -m strategy_builder.warm_start SOCKET KEY``: the warm server (started by a client, not by hand)."""

import sys

from strategy_builder.warm_start.server import serve

serve(sys.argv[1], sys.argv[2])
