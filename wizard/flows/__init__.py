"""The use cases, once, for both front doors (the command line and the wizard).

Headless: no Textual, no Rich, no printing. A flow reports progress as typed events (frozen
dataclasses) handed to a callback the caller passes in; the command line prints them, the wizard
paints them. Flows raise the typed errors of `wizard.core.errors`; they never decide how an error
looks on a screen.
"""
