"""launch-wizard: from nothing to a working Adobe Launch (Reactor API) access token."""

__version__ = "0.1.0"
