"""Framework-free detection library (text, media, URLs, private information).

Nothing in this package may import Django or another copvn app: an import-linter contract in CI
keeps it so. Apps use it through its public names.
"""
