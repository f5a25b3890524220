"""Views of the partnership matrix: JSON, Markdown, HTML and xlsx. Each reads a computed matrix, none counts."""
