"""The Textual wizard. Imported only when the wizard opens: headless commands never load it."""
