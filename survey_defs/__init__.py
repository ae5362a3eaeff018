"""Questionnaire model, XLSForm reader, expression language, answer validation and XForm export (pure)."""
