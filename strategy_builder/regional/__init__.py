"""The regional picture: every partner together (the partnership matrix and the regional overview document).

One computation (:func:`strategy_builder.regional.matrix.compute_matrix`) turns a validated project into a
:class:`~strategy_builder.regional.matrix.RegionalMatrix`; the xlsx, HTML, JSON and Markdown views and the
overview document only read it.
"""
