"""Pydantic models of the inputs, and the validated project they form."""
