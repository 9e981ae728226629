"""Accelerators: the roofline model of one chip, and the export-control thresholds chips are classified by."""
