"""The engine: no Textual and no Rich import anywhere below this package."""
