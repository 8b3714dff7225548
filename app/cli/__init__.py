"""Command-line entry points (no Qt). Each module exposes ``main(argv) -> int``."""
