"""Accelerators: the roofline model of one chip, published benchmark results beside it, and the export-control thresholds chips are classified by."""
