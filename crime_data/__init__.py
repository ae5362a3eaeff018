"""ICCS classification, police-recorded crime readers, population denominators and rates (pure)."""
