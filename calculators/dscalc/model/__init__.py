"""Transformer models as their configs describe them: attention and layer layouts, parameter counts, routing."""
