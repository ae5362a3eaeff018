"""Survey designs, weight construction and adjustment, design-based estimators and variance (pure)."""
