"""LibreOffice as a library: finding it, a pool of headless workers that convert .docx to PDF, reading PDFs back."""
