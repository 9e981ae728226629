"""Number formats and what rounding to them costs: FP8/FP6/FP4, scaling schemes, accumulation."""
