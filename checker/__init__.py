"""checker: find what several articles about one story agree on and where they contradict."""
__version__ = "0.1.0"
