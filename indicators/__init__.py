"""The indicator catalogue: SDG and observatory indicators with their counting rules (pure)."""
