"""strategy-builder: validated YAML inputs to tracked Word drafts of BMP Migration Partnership Strategies."""

__version__ = "0.1.0"
