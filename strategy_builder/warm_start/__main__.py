"""``python -m strategy_builder.warm_start SOCKET KEY CLIENT-PID``: the warm server (started by a client, not by
hand)."""

import sys

from strategy_builder.warm_start.server import serve

serve(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
