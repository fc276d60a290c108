"""Shared building blocks: number sequences, the page shell, language switching."""
