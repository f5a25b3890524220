"""Rendering: template context, the docxtpl engine, and the assembly of one partner's .docx."""
