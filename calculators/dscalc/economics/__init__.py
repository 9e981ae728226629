"""Prices over time: API list prices, exchange rates, and what serving costs."""
