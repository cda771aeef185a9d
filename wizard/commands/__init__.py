"""The headless commands. None of them imports Textual; only `roles` imports Rich."""
